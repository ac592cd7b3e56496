import { project, stage } from '../../__testUtils__/pipelineFixtures';
import { buildPipelineModel } from '../../model/pipelineModel';
import { buildGraph } from './graphModel';

describe('buildGraph', () => {
  const model = buildPipelineModel(
    project({
      stages: [
        stage('dev', { direct: true }),
        stage('qa', { direct: true }),
        stage('prod', { stages: ['dev', 'qa', 'gone'] }),
      ],
    }),
  );

  it('draws edges from Warehouses and upstream Stages', () => {
    const { nodes, edges } = buildGraph(model.stages, ['guestbook'], false);
    expect(nodes.map(n => n.id)).toEqual([
      'warehouse:guestbook',
      'stage:dev',
      'stage:qa',
      'stage:prod',
    ]);
    expect(edges.map(e => `${e.from} → ${e.to}`)).toEqual([
      'warehouse:guestbook → stage:dev',
      'warehouse:guestbook → stage:qa',
      'stage:dev → stage:prod',
      'stage:qa → stage:prod',
    ]);
  });

  it('leaves out what a search hides', () => {
    const prodOnly = model.stages.filter(s => s.name === 'prod');
    const { nodes, edges } = buildGraph(prodOnly, ['guestbook'], true);
    expect(nodes.map(n => n.id)).toEqual(['stage:prod']);
    expect(edges).toEqual([]);
  });
});
