import { mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApplyManifestsAction } from './applyManifests';

const PIPELINE = `apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata:
  name: shop
`;

/** A stand-in Kargo backend on 127.0.0.1 that records what it is sent. */
async function startKargoBackend() {
  const received: Array<{ method?: string; url?: string; auth?: string; type?: string; body: string }> = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', c => (body += c));
    req.on('end', () => {
      received.push({
        method: req.method,
        url: req.url,
        auth: req.headers.authorization,
        type: req.headers['content-type'],
        body,
      });
      res.setHeader('Content-Type', 'application/json');
      res.end(
        JSON.stringify({
          results: [
            {
              createdResourceManifest: {
                apiVersion: 'kargo.akuity.io/v1alpha1',
                kind: 'Project',
                metadata: { name: 'shop' },
              },
            },
          ],
        }),
      );
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return { received, url: `http://127.0.0.1:${port}/api/kargo`, server };
}

describe('kargo:manifests:apply', () => {
  let backend: Awaited<ReturnType<typeof startKargoBackend>>;
  beforeEach(async () => {
    backend = await startKargoBackend();
  });
  afterEach(() => backend.server.close());

  function makeAction() {
    const auth = mockServices.auth.mock({
      getPluginRequestToken: jest.fn().mockResolvedValue({ token: 'user-token' }),
    });
    const discovery = mockServices.discovery.mock({
      getBaseUrl: jest.fn().mockResolvedValue(backend.url),
    });
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
      onBehalfOf: expect.anything(),
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

  it('sends nothing on a dry run', async () => {
    const { action } = makeAction();
    const ctx = createMockActionContext({
      input: { manifests: PIPELINE, mode: 'upsert' as const },
    });
    (ctx as { isDryRun?: boolean }).isDryRun = true;
    await action.handler(ctx);
    expect(backend.received).toEqual([]);
    expect(ctx.output).toHaveBeenCalledWith('resources', []);
  });

  it('refuses input with both or neither of path and manifests', async () => {
    const { action } = makeAction();
    await expect(
      action.handler(createMockActionContext({ input: { mode: 'upsert' as const } })),
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
