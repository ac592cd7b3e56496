import type { StoredResource } from '../database';
import { orderStages } from './stageOrder';

const stage = (name: string, upstream: string[] = []) =>
  ({
    kind: 'Stage',
    name,
    spec: {
      requestedFreight: [
        {
          origin: { kind: 'Warehouse', name: 'wh' },
          sources: upstream.length ? { stages: upstream } : { direct: true },
        },
      ],
    },
  } as unknown as StoredResource);

describe('orderStages', () => {
  it('puts every Stage after its upstream Stages, by name within a depth', () => {
    const ordered = orderStages([
      stage('prod-us', ['staging']),
      stage('staging', ['dev', 'qa']),
      stage('qa'),
      stage('prod-eu', ['staging']),
      stage('dev'),
    ]);
    expect(ordered.map(s => s.name)).toEqual([
      'dev',
      'qa',
      'staging',
      'prod-eu',
      'prod-us',
    ]);
  });

  it('treats an upstream Stage that is not in the list as absent', () => {
    const ordered = orderStages([stage('prod', ['staging']), stage('audit')]);
    expect(ordered.map(s => s.name)).toEqual(['audit', 'prod']);
  });
});
