import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  errorAnswer,
  startStubBackend,
  StubAnswer,
} from '../__testUtils__/stubBackend';
import { createApplyManifestsAction } from './applyManifests';

const PIPELINE = `apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata:
  name: shop
`;

const CREATED: StubAnswer = {
  body: {
    results: [
      {
        createdResourceManifest: {
          apiVersion: 'kargo.akuity.io/v1alpha1',
          kind: 'Project',
          metadata: { name: 'shop' },
        },
      },
    ],
  },
};

describe('kargo:manifests:apply', () => {
  let answer: StubAnswer;
  let backend: Awaited<ReturnType<typeof startStubBackend>>;
  beforeEach(async () => {
    answer = CREATED;
    backend = await startStubBackend(() => answer);
  });
  afterEach(() => backend.close());

  function makeAction() {
    const { auth, discovery } = backend.services();
    return { action: createApplyManifestsAction({ auth, discovery }), auth };
  }

  it('applies a workspace file as the user running the template', async () => {
    const { action, auth } = makeAction();
    const workspacePath = mkdtempSync(join(tmpdir(), 'kargo-action-'));
    writeFileSync(join(workspacePath, 'pipeline.yaml'), PIPELINE);
    const ctx = createMockActionContext({
      input: { path: 'pipeline.yaml', mode: 'upsert' as const },
      workspacePath,
    });
    await action.handler(ctx);

    expect(backend.received).toEqual([
      {
        method: 'PUT',
        url: '/api/kargo/v1beta1/resources',
        auth: 'Bearer user-token',
        type: 'application/yaml',
        body: PIPELINE,
      },
    ]);
    expect(auth.getPluginRequestToken).toHaveBeenCalledWith({
      onBehalfOf: await ctx.getInitiatorCredentials(),
      targetPluginId: 'kargo',
    });
    expect(ctx.output).toHaveBeenCalledWith('resources', ['Project/shop']);
  });

  it('creates with POST in create mode', async () => {
    const { action } = makeAction();
    const ctx = createMockActionContext({
      input: { manifests: PIPELINE, mode: 'create' as const },
    });
    await action.handler(ctx);
    expect(backend.received.map(r => r.method)).toEqual(['POST']);
  });

  it('sends nothing on a dry run, and reports what it would apply', async () => {
    const { action } = makeAction();
    const ctx = createMockActionContext({
      input: { manifests: PIPELINE, mode: 'upsert' as const },
    });
    (ctx as { isDryRun?: boolean }).isDryRun = true;
    await action.handler(ctx);
    expect(backend.received).toEqual([]);
    expect(ctx.output).toHaveBeenCalledWith('resources', ['Project/shop']);
  });

  it('validates the manifests on a dry run', async () => {
    const { action } = makeAction();
    const ctx = createMockActionContext({
      input: {
        manifests: `${PIPELINE}---\napiVersion: kargo.akuity.io/v1alpha1\nkind: Stage\nmetadata:\n  name: dev\n  namespace: shop\nspec:\n  bogus: 1\n`,
        mode: 'upsert' as const,
      },
    });
    (ctx as { isDryRun?: boolean }).isDryRun = true;
    await expect(action.handler(ctx)).rejects.toThrow(
      /^Document 2 is not a valid Kargo manifest: /,
    );
    expect(backend.received).toEqual([]);
  });

  it("fails with the server's message when refused", async () => {
    answer = errorAnswer(
      403,
      'NotAllowedError',
      'user:default/dev may not kargo.resource.manage',
    );
    const { action } = makeAction();
    await expect(
      action.handler(
        createMockActionContext({
          input: { manifests: PIPELINE, mode: 'upsert' as const },
        }),
      ),
    ).rejects.toThrow(
      'Kargo: Request failed with 403 Forbidden: user:default/dev may not kargo.resource.manage',
    );
  });

  it('refuses input with both or neither of path and manifests', async () => {
    const { action } = makeAction();
    await expect(
      action.handler(
        createMockActionContext({ input: { mode: 'upsert' as const } }),
      ),
    ).rejects.toThrow('Give exactly one of input.path or input.manifests');
    expect(backend.received).toEqual([]);
  });

  it('does not read files outside the workspace', async () => {
    const { action } = makeAction();
    const workspacePath = mkdtempSync(join(tmpdir(), 'kargo-action-'));
    await expect(
      action.handler(
        createMockActionContext({
          input: { path: '../../etc/passwd', mode: 'upsert' as const },
          workspacePath,
        }),
      ),
    ).rejects.toThrow(/outside/i);
    expect(backend.received).toEqual([]);
  });
});
