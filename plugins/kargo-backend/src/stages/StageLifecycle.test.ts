import { InputError } from '@backstage/errors';
import type { JsonObject } from '@backstage/types';
import { Knex } from 'knex';
import { CREATE_ACTOR_ANNOTATION } from '../promotions/PromotionCreator';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import {
  createStageKit,
  freightDoc,
  Gate,
  PROJECT,
  projectDocs,
  StageKit,
  stageDoc,
  USER,
  within,
} from './__testUtils__/stageKit';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const dev = stageDoc('dev', { requested: [{ direct: true }] });

describe.each(databases.eachSupportedId())(
  'Freight flow between Stages on %s',
  id => {
    let knex: Knex;
    let kit: StageKit;

    beforeEach(async () => {
      knex = await databases.init(id);
      kit = await createStageKit(knex);
    });
    afterEach(() => kit?.close());

    /** Promotes and runs everything that follows, and checks it succeeded. */
    const promoted = async (stage: string, freight: string) => {
      const promotion = await kit.promote(stage, freight);
      await kit.harness.settle();
      expect((await kit.promotion(promotion.name)).status.phase).toBe(
        'Succeeded',
      );
    };

    describe('availability', () => {
      it('is what was verified upstream; the others are listed with the reason', async () => {
        await kit.apply(
          ...projectDocs(),
          dev,
          stageDoc('prod', { requested: [{ stages: ['dev'] }] }),
          freightDoc(1),
          freightDoc(2),
        );
        await kit.harness.settle();
        expect((await kit.availableTo('dev')).names).toEqual([
          'app-2',
          'app-1',
        ]);
        expect(await kit.availableTo('prod')).toEqual({
          names: [],
          unavailable: [
            {
              name: 'app-2',
              alias: 'app-v2',
              origin: 'app',
              reason: 'not verified in "dev"',
            },
            {
              name: 'app-1',
              alias: 'app-v1',
              origin: 'app',
              reason: 'not verified in "dev"',
            },
          ],
        });
        await expect(kit.promote('prod', 'app-1')).rejects.toBeInstanceOf(
          InputError,
        );

        await promoted('dev', 'app-1');
        expect(await kit.availableTo('prod')).toEqual({
          names: ['app-1'],
          unavailable: [
            expect.objectContaining({
              name: 'app-2',
              reason: 'not verified in "dev"',
            }),
          ],
        });
        await promoted('prod', 'app-1');
      });

      it('keeps soaking Freight unavailable, saying until when, then lets it through', async () => {
        await kit.apply(
          ...projectDocs(),
          dev,
          stageDoc('prod', {
            requested: [{ stages: ['dev'], requiredSoakTime: '2s' }],
          }),
          freightDoc(1),
        );
        await promoted('dev', 'app-1');
        expect(await kit.verifiedIn('app-1')).toEqual(['dev']);
        const { currentlyIn } = (await kit.freight('app-1')).status as {
          currentlyIn: Record<string, { since: string }>;
        };
        const since = Date.parse(currentlyIn.dev.since);
        expect(since).not.toBeNaN();

        const soaking = await kit.availableTo('prod');
        expect(soaking.names).toEqual([]);
        expect(soaking.unavailable).toEqual([
          {
            name: 'app-1',
            alias: 'app-v1',
            origin: 'app',
            reason: expect.stringMatching(
              /^soaking in "dev" for .+ more \(requiredSoakTime 2s\)$/,
            ),
            availableAt: new Date(since + 2000).toISOString(),
          },
        ]);
        await expect(kit.promote('prod', 'app-1')).rejects.toThrow(
          /not available to Stage "prod"/,
        );
        await expect(
          kit.stages.promoteDownstream(
            PROJECT,
            'dev',
            { freight: 'app-1' },
            USER,
          ),
        ).rejects.toThrow(/downstream Stage "prod": soaking in "dev"/);
        // The boundary, without waiting for it.
        expect((await kit.availableTo('prod', since + 1999)).names).toEqual([]);
        expect((await kit.availableTo('prod', since + 2000)).names).toEqual([
          'app-1',
        ]);

        // And for real: once soaked, it can be promoted.
        await kit.until(
          async () => (await kit.availableTo('prod')).names.length > 0,
          'app-1 to have soaked in dev',
          5000,
        );
        expect(Date.now()).toBeGreaterThanOrEqual(since + 2000);
        await promoted('prod', 'app-1');
      });

      it('with availabilityStrategy All needs every upstream, OneOf any', async () => {
        await kit.apply(
          ...projectDocs(),
          stageDoc('a', { requested: [{ direct: true }] }),
          stageDoc('b', { requested: [{ direct: true }] }),
          stageDoc('all', {
            requested: [{ stages: ['a', 'b'], availabilityStrategy: 'All' }],
          }),
          stageDoc('any', { requested: [{ stages: ['a', 'b'] }] }),
          freightDoc(1),
        );
        await promoted('a', 'app-1');
        expect(await kit.availableTo('all')).toEqual({
          names: [],
          unavailable: [
            expect.objectContaining({
              name: 'app-1',
              reason: 'not verified in "b" (availabilityStrategy All)',
            }),
          ],
        });
        expect((await kit.availableTo('any')).names).toEqual(['app-1']);

        await promoted('b', 'app-1');
        expect((await kit.availableTo('all')).names).toEqual(['app-1']);
        await promoted('all', 'app-1');
      });

      it('manual approval makes Freight available to a Stage, bypassing verification and soak, and only where its origin is requested', async () => {
        await kit.apply(
          ...projectDocs(['app', 'cfg']),
          dev,
          stageDoc('prod', {
            requested: [{ stages: ['dev'], requiredSoakTime: '1h' }],
          }),
          stageDoc('ops', { requested: [{ origin: 'cfg', direct: true }] }),
          freightDoc(1),
          freightDoc(2),
        );
        await kit.harness.settle();

        // Never verified anywhere.
        const approved = await kit.stages.approve(
          PROJECT,
          'app-v1',
          'prod',
          USER,
        );
        expect(approved.name).toBe('app-1');
        expect(approved.status.approvedFor).toEqual({
          prod: { approvedAt: expect.any(String), approvedBy: USER },
        });
        expect(await kit.verifiedIn('app-1')).toEqual([]);
        expect((await kit.availableTo('prod')).names).toEqual(['app-1']);
        // Approving creates no Promotion.
        await kit.harness.settle();
        expect(await kit.promotionsOf('prod')).toEqual([]);

        // Verified upstream but soaking: approval skips the soak.
        await promoted('dev', 'app-2');
        expect((await kit.availableTo('prod')).unavailable).toEqual([
          expect.objectContaining({
            name: 'app-2',
            reason: expect.stringMatching(/^soaking in "dev"/),
          }),
        ]);
        await kit.stages.approve(PROJECT, 'app-2', 'prod', USER);
        expect((await kit.availableTo('prod')).names).toEqual([
          'app-2',
          'app-1',
        ]);
        await promoted('prod', 'app-2');
        await promoted('prod', 'app-1');

        // A Stage not requesting the origin cannot be approved for.
        const refused = kit.stages.approve(PROJECT, 'app-1', 'ops', USER);
        await expect(refused).rejects.toBeInstanceOf(InputError);
        await expect(refused).rejects.toThrow(
          /Stage "ops" does not request Freight from Warehouse "app"/,
        );
        expect(
          (await kit.freight('app-1')).status.approvedFor as JsonObject,
        ).not.toHaveProperty('ops');
      });

      it('a control-flow Stage passes Freight on at once, and takes no Promotion', async () => {
        await kit.apply(
          ...projectDocs(),
          dev,
          stageDoc('gate', { requested: [{ stages: ['dev'] }], steps: null }),
          stageDoc('prod', { requested: [{ stages: ['gate'] }] }),
          stageDoc('intake', { requested: [{ direct: true }], steps: null }),
          freightDoc(1),
        );
        await kit.harness.settle();
        // Straight from the Warehouse: verified in the direct one at once.
        expect(await kit.verifiedIn('app-1')).toEqual(['intake']);
        expect(await kit.availableTo('prod')).toEqual({
          names: [],
          unavailable: [
            expect.objectContaining({ reason: 'not verified in "gate"' }),
          ],
        });

        await promoted('dev', 'app-1');
        expect(await kit.verifiedIn('app-1')).toEqual([
          'dev',
          'gate',
          'intake',
        ]);
        expect((await kit.availableTo('prod')).names).toEqual(['app-1']);
        await promoted('prod', 'app-1');

        await expect(kit.promote('gate', 'app-1')).rejects.toThrow(
          /no promotion steps/,
        );
        expect(await kit.promotionsOf('gate')).toEqual([]);
        expect((await kit.stage('gate')).status.freightHistory).toBeUndefined();
      });
    });

    describe('promote downstream', () => {
      it('promotes into each Stage right downstream taking the origin, skipping control-flow Stages', async () => {
        await kit.apply(
          ...projectDocs(['app', 'cfg']),
          stageDoc('dev', {
            requested: [
              { origin: 'app', direct: true },
              { origin: 'cfg', direct: true },
            ],
          }),
          stageDoc('qa', { requested: [{ stages: ['dev'] }] }),
          stageDoc('uat', { requested: [{ stages: ['dev'] }] }),
          stageDoc('gate', { requested: [{ stages: ['dev'] }], steps: null }),
          stageDoc('after-gate', { requested: [{ stages: ['gate'] }] }),
          stageDoc('ops', {
            requested: [{ origin: 'cfg', stages: ['dev'] }],
          }),
          freightDoc(1),
        );
        await promoted('dev', 'app-1');

        const created = await kit.stages.promoteDownstream(
          PROJECT,
          'dev',
          { freightAlias: 'app-v1' },
          USER,
        );
        expect(created.map(p => p.stage).sort()).toEqual(['qa', 'uat']);
        for (const p of created) {
          expect(p.spec.freight).toBe('app-1');
          expect(
            (p.metadata.annotations as JsonObject)[CREATE_ACTOR_ANNOTATION],
          ).toBe(USER);
        }
        await kit.harness.settle();
        for (const p of created) {
          expect((await kit.promotion(p.name)).status.phase).toBe('Succeeded');
        }
        expect(await kit.promotionsOf('gate')).toEqual([]);
        expect(await kit.promotionsOf('after-gate')).toEqual([]);
        expect(await kit.promotionsOf('ops')).toEqual([]);

        await expect(
          kit.stages.promoteDownstream(
            PROJECT,
            'qa',
            { freight: 'app-1' },
            USER,
          ),
        ).rejects.toThrow(/Stage "qa" has no downstream Stages/);
      });

      it('promotes nowhere when one downstream Stage cannot take the Freight, naming it', async () => {
        await kit.apply(
          ...projectDocs(),
          dev,
          stageDoc('qa', { requested: [{ stages: ['dev'] }] }),
          stageDoc('slow', {
            requested: [{ stages: ['dev'], requiredSoakTime: '1h' }],
          }),
          freightDoc(1),
        );
        await promoted('dev', 'app-1');
        const refused = kit.stages.promoteDownstream(
          PROJECT,
          'dev',
          { freight: 'app-1' },
          USER,
        );
        await expect(refused).rejects.toBeInstanceOf(InputError);
        await expect(refused).rejects.toThrow(
          /Freight "app-v1" is not available to downstream Stage "slow"/,
        );
        expect(await kit.promotionsOf('qa')).toEqual([]);
        expect(await kit.promotionsOf('slow')).toEqual([]);
      });
    });

    describe('a Stage taking Freight from two Warehouses', () => {
      const mix = stageDoc('mix', {
        requested: [
          { origin: 'app', direct: true },
          { origin: 'cfg', direct: true },
        ],
      });

      const currentlyIn = async (freight: string) =>
        Object.keys(
          ((await kit.freight(freight)).status.currentlyIn ?? {}) as JsonObject,
        );

      it('keeps the other origin’s Freight when one origin is promoted (Kargo #6810)', async () => {
        await kit.apply(
          ...projectDocs(['app', 'cfg']),
          mix,
          freightDoc(1),
          freightDoc(2),
          freightDoc(1, 'cfg'),
        );
        await promoted('mix', 'app-1');
        expect(await kit.currentItems('mix')).toEqual({
          'Warehouse/app': 'app-1',
        });
        await promoted('mix', 'cfg-1');
        expect(await kit.currentItems('mix')).toEqual({
          'Warehouse/app': 'app-1',
          'Warehouse/cfg': 'cfg-1',
        });
        await promoted('mix', 'app-2');
        expect(await kit.currentItems('mix')).toEqual({
          'Warehouse/app': 'app-2',
          'Warehouse/cfg': 'cfg-1',
        });
        expect(await currentlyIn('cfg-1')).toEqual(['mix']);
        expect(await currentlyIn('app-2')).toEqual(['mix']);
        expect(await currentlyIn('app-1')).toEqual([]);
        expect(
          ((await kit.stage('mix')).status.freightHistory as unknown[]).length,
        ).toBe(3);
      });

      it('loses nothing when a Promotion of one origin is aborted, running or queued', async () => {
        await kit.apply(
          ...projectDocs(['app', 'cfg']),
          mix,
          freightDoc(1),
          freightDoc(2),
          freightDoc(1, 'cfg'),
          freightDoc(2, 'cfg'),
        );
        await promoted('mix', 'app-1');
        await promoted('mix', 'cfg-1');
        const before = await kit.stage('mix');

        const door = new Gate();
        kit.script.gates.set('cfg-2', door);
        const running = await kit.promote('mix', 'cfg-2');
        await within(door.reached, 'the Promotion of cfg-2 to start');
        const queued = await kit.promote('mix', 'app-2');
        await kit.harness.service.abort(PROJECT, queued.name, USER);
        await kit.harness.service.abort(PROJECT, running.name, USER);
        await kit.harness.settle();
        expect((await kit.promotion(running.name)).status.phase).toBe(
          'Aborted',
        );
        expect((await kit.promotion(queued.name)).status.phase).toBe('Aborted');

        const after = await kit.stage('mix');
        expect(after.status.freightHistory).toEqual(
          before.status.freightHistory,
        );
        expect(await kit.currentItems('mix')).toEqual({
          'Warehouse/app': 'app-1',
          'Warehouse/cfg': 'cfg-1',
        });
        expect(await currentlyIn('app-1')).toEqual(['mix']);
        expect(await currentlyIn('cfg-1')).toEqual(['mix']);
        expect(await currentlyIn('cfg-2')).toEqual([]);
        expect(await currentlyIn('app-2')).toEqual([]);
        expect(await kit.verifiedIn('app-1')).toEqual(['mix']);
        expect(await kit.verifiedIn('cfg-1')).toEqual(['mix']);

        // The next Promotion of the other origin still keeps cfg-1.
        kit.script.gates.delete('cfg-2');
        await promoted('mix', 'app-2');
        expect(await kit.currentItems('mix')).toEqual({
          'Warehouse/app': 'app-2',
          'Warehouse/cfg': 'cfg-1',
        });
      });
    });
  },
);
