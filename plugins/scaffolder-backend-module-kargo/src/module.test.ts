import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { parseManifests } from '@kargo-backstage/plugin-kargo-common';
import { scaffolderModuleKargo } from './module';

describe('scaffolderModuleKargo', () => {
  it('registers the Kargo actions', async () => {
    const addActions = jest.fn();
    await startTestBackend({
      extensionPoints: [[scaffolderActionsExtensionPoint, { addActions }]],
      features: [
        scaffolderModuleKargo,
        mockServices.rootConfig.factory({
          data: { demo: { git: { root: '/tmp/kargo-demo' } } },
        }),
      ],
    });
    expect(
      addActions.mock.calls.flat().map((action: { id: string }) => action.id),
    ).toEqual([
      'kargo:manifests:apply',
      'kargo:promote',
      'kargo:freight:approve',
      'kargo:warehouse:refresh',
      'kargo:git:push',
      'kargo:catalog:register-file',
    ]);
    const [, promote] = addActions.mock.calls.flat();
    expect(promote.schema.input).toMatchObject({
      required: ['project', 'stage'],
      properties: {
        project: { type: 'string', pattern: expect.stringMatching(/^\^/) },
        freightAlias: { type: 'string' },
      },
    });
    for (const action of addActions.mock.calls.flat()) {
      expect(action.supportsDryRun).toBe(true);
      expect(action.schema.input).toMatchObject({ type: 'object' });
      expect(action.examples.length).toBeGreaterThan(0);
      for (const { example } of action.examples) {
        const [{ steps }] = parseManifests(example) as any[];
        expect(steps.map((s: { action: string }) => s.action)).toContain(
          action.id,
        );
      }
    }
  });
});
