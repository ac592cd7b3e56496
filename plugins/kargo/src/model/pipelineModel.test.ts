import {
  project,
  runningPromotion,
  stage,
} from '../__testUtils__/pipelineFixtures';
import type { KargoManifest } from '@kargo-backstage/plugin-kargo-common';
import { buildPipelineModel, filterStages } from './pipelineModel';

/** A pipeline whose dev Stage names `promotion` as its current one. */
const devPromotedBy = (promotion: KargoManifest) =>
  buildPipelineModel(
    project({
      stages: [
        stage('dev', { direct: true }, { currentPromotion: { name: 'dev.2' } }),
      ],
      promotions: [promotion],
    }),
  );

describe('buildPipelineModel', () => {
  it("finds a Stage's running Promotion and its current step", () => {
    const model = devPromotedBy(runningPromotion('dev.2', 'dev', 2));
    expect(model.stages[0].running).toEqual({
      name: 'dev.2',
      phase: 'Running',
      step: {
        number: 3,
        count: 3,
        alias: 'push',
        uses: 'git-push',
        status: 'Running',
        message: undefined,
      },
    });
  });

  it('ignores a current Promotion that already finished', () => {
    const done = runningPromotion('dev.2', 'dev', 0);
    done.status = { ...done.status, phase: 'Succeeded' };
    const model = devPromotedBy(done);
    expect(model.stages[0].running).toBeUndefined();
  });

  it('reads auto-promotion holds per origin, and colours from the annotation', () => {
    const held = stage(
      'dev',
      { direct: true },
      {
        autoPromotionEnabled: true,
        autoPromotionHolds: {
          'Warehouse/guestbook': { freightName: 'f1', actor: 'user:default/a' },
        },
      },
    );
    held.metadata.annotations = { 'kargo.akuity.io/color': '#123456' };
    const [dev] = buildPipelineModel(project({ stages: [held] })).stages;
    expect(dev.holds).toEqual([
      { origin: 'guestbook', freightName: 'f1', actor: 'user:default/a' },
    ]);
    expect(dev.color).toBe('#123456');
    expect(dev.directFrom).toEqual(['guestbook']);
  });
});

describe('filterStages', () => {
  it('matches names case-insensitively, all for an empty query', () => {
    const { stages } = buildPipelineModel(project());
    expect(filterStages(stages, ' PRO ').map(s => s.name)).toEqual(['prod']);
    expect(filterStages(stages, '')).toBe(stages);
  });
});
