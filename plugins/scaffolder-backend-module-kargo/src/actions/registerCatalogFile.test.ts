import { mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  errorAnswer,
  startStubBackend,
  StubAnswer,
} from '../__testUtils__/stubBackend';
import { createRegisterCatalogFileAction } from './registerCatalogFile';

const ENTITY = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: shop
  annotations:
    kargo.akuity.io/project: shop
spec:
  type: service
  lifecycle: experimental
  owner: group:default/guests
`;

describe('kargo:catalog:register-file', () => {
  let answer: StubAnswer;
  let backend: Awaited<ReturnType<typeof startStubBackend>>;
  let workspacePath: string;
  let directory: string;
  beforeEach(async () => {
    answer = { body: {} };
    backend = await startStubBackend(() => answer);
    workspacePath = mkdtempSync(join(tmpdir(), 'kargo-register-ws-'));
    directory = join(mkdtempSync(join(tmpdir(), 'kargo-register-')), 'catalog');
    writeFileSync(join(workspacePath, 'catalog-info.yaml'), ENTITY);
  });
  afterEach(async () => {
    await backend.close();
    rmSync(workspacePath, { recursive: true, force: true });
    rmSync(directory, { recursive: true, force: true });
  });

  function run(
    input: Record<string, string>,
    options: { dryRun?: boolean; directory?: string | null } = {},
  ) {
    const { auth, discovery } = backend.services();
    const action = createRegisterCatalogFileAction({
      auth,
      discovery,
      directory: options.directory === null ? undefined : directory,
    });
    const ctx = createMockActionContext({
      input,
      workspacePath,
      logger: mockServices.logger.mock(),
    });
    (ctx as { isDryRun?: boolean }).isDryRun = options.dryRun;
    return { ctx, auth, done: action.handler(ctx) };
  }

  it('writes the entity file and refreshes the Location as the user', async () => {
    const { ctx, auth, done } = run({
      refreshLocation: 'location:default/scaffolded',
    });
    await done;
    const file = join(directory, 'component-default-shop.yaml');
    expect(readFileSync(file, 'utf8')).toBe(ENTITY);
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'component:default/shop',
    );
    expect(ctx.output).toHaveBeenCalledWith('filePath', file);
    expect(backend.received).toEqual([
      {
        method: 'POST',
        url: '/api/catalog/refresh',
        auth: 'Bearer user-token',
        type: 'application/json',
        body: JSON.stringify({ entityRef: 'location:default/scaffolded' }),
      },
    ]);
    expect(auth.getPluginRequestToken).toHaveBeenCalledWith({
      onBehalfOf: await ctx.getInitiatorCredentials(),
      targetPluginId: 'catalog',
    });
  });

  it('writes nothing and calls nothing on a dry run', async () => {
    const { ctx, done } = run(
      { refreshLocation: 'location:default/scaffolded' },
      { dryRun: true },
    );
    await done;
    expect(existsSync(directory)).toBe(false);
    expect(backend.received).toEqual([]);
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'component:default/shop',
    );
  });

  it('does not register an entity twice', async () => {
    await run({}).done;
    await expect(run({}).done).rejects.toThrow(
      /component:default\/shop is registered already/,
    );
  });

  it("fails with the catalog's message when the refresh is refused", async () => {
    answer = errorAnswer(403, 'NotAllowedError', 'not allowed to refresh');
    await expect(
      run({ refreshLocation: 'location:default/scaffolded' }).done,
    ).rejects.toThrow(
      'Catalog: Request failed with 403 Forbidden: not allowed to refresh',
    );
  });

  it('refuses documents that are not entities', async () => {
    writeFileSync(
      join(workspacePath, 'catalog-info.yaml'),
      'kind: Component\nmetadata:\n  name: ../../etc\n',
    );
    await expect(run({}).done).rejects.toThrow(/valid metadata\.name/);
  });

  it('refuses to run where no folder is set up', async () => {
    await expect(run({}, { directory: null }).done).rejects.toThrow(
      /has no folder to write to/,
    );
  });
});
