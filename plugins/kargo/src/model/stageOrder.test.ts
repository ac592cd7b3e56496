import { stage } from '../__testUtils__/pipelineFixtures';
import { orderStages } from './stageOrder';

describe('orderStages', () => {
  it('puts each Stage after the Stages it takes Freight from', () => {
    const stages = [
      stage('prod', { stages: ['staging'] }),
      stage('a-qa', { stages: ['dev'] }),
      stage('staging', { stages: ['dev'] }),
      stage('dev', { direct: true }),
    ];
    expect(orderStages(stages).map(s => s.metadata.name)).toEqual([
      'dev',
      'a-qa',
      'staging',
      'prod',
    ]);
  });
});
