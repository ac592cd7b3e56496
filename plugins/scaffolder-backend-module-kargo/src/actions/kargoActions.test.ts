import { mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  errorAnswer,
  startStubBackend,
  StubAnswer,
} from '../__testUtils__/stubBackend';
import { createApproveFreightAction } from './approveFreight';
import { KargoActionOptions } from './kargoApi';
import { createPromoteAction } from './promote';
import { createRefreshWarehouseAction } from './refreshWarehouse';

const manifest = (kind: string, name: string, spec?: object) => ({
  apiVersion: 'kargo.akuity.io/v1alpha1',
  kind,
  metadata: { name, namespace: 'shop' },
  spec,
});

/** Each action, an input, the request it must make and its outputs. */
const cases = [
  {
    id: 'kargo:promote',
    create: createPromoteAction,
    input: { project: 'shop', stage: 'prod', freight: 'abc123' },
    method: 'POST',
    url: '/api/kargo/v1beta1/projects/shop/stages/prod/promotions',
    body: { freight: 'abc123' },
    answer: {
      status: 201,
      body: manifest('Promotion', 'prod.01abc.abc123', { freight: 'abc123' }),
    },
    outputs: [
      ['promotion', 'prod.01abc.abc123'],
      ['freight', 'abc123'],
    ],
  },
  {
    id: 'kargo:freight:approve',
    create: createApproveFreightAction,
    input: { project: 'shop', freight: 'wonky-wombat', stage: 'prod' },
    method: 'POST',
    url: '/api/kargo/v1beta1/projects/shop/freight/wonky-wombat/approve?stage=prod',
    body: undefined,
    answer: { body: manifest('Freight', 'abc123') },
    outputs: [['freight', 'abc123']],
  },
  {
    id: 'kargo:warehouse:refresh',
    create: createRefreshWarehouseAction,
    input: { project: 'shop', warehouse: 'shop' },
    method: 'POST',
    url: '/api/kargo/v1beta1/projects/shop/warehouses/shop/refresh',
    body: undefined,
    answer: { body: manifest('Warehouse', 'shop') },
    outputs: [['warehouse', 'shop']],
  },
];

describe.each(cases)('$id', c => {
  let answer: StubAnswer;
  let backend: Awaited<ReturnType<typeof startStubBackend>>;
  beforeEach(async () => {
    answer = c.answer;
    backend = await startStubBackend(() => answer);
  });
  afterEach(() => backend.close());

  function run(input: object, isDryRun = false) {
    const { auth, discovery } = backend.services();
    const action = (
      c.create as (o: KargoActionOptions) => ReturnType<typeof c.create>
    )({ auth, discovery });
    const ctx = createMockActionContext({
      input: input as any,
      logger: mockServices.logger.mock(),
    });
    (ctx as { isDryRun?: boolean }).isDryRun = isDryRun;
    return { ctx, auth, done: action.handler(ctx as any) };
  }

  it('calls the Kargo backend as the user running the template', async () => {
    const { ctx, auth, done } = run(c.input);
    await done;
    expect(backend.received).toEqual([
      {
        method: c.method,
        url: c.url,
        auth: 'Bearer user-token',
        type: c.body ? 'application/json' : undefined,
        body: c.body ? JSON.stringify(c.body) : '',
      },
    ]);
    expect(auth.getPluginRequestToken).toHaveBeenCalledWith({
      onBehalfOf: await ctx.getInitiatorCredentials(),
      targetPluginId: 'kargo',
    });
    for (const [name, value] of c.outputs) {
      expect(ctx.output).toHaveBeenCalledWith(name, value);
    }
  });

  it('makes no call on a dry run', async () => {
    const { ctx, auth, done } = run(c.input, true);
    await done;
    expect(backend.received).toEqual([]);
    expect(auth.getPluginRequestToken).not.toHaveBeenCalled();
    expect(ctx.logger.info).toHaveBeenCalledWith(
      expect.stringMatching(/^Dry run: would /),
    );
  });

  it('fails with the server message when refused (403)', async () => {
    answer = errorAnswer(
      403,
      'NotAllowedError',
      'user:default/dev may not kargo.stage.promote on shop:prod',
    );
    await expect(run(c.input).done).rejects.toThrow(
      'Kargo: Request failed with 403 Forbidden: user:default/dev may not kargo.stage.promote on shop:prod',
    );
  });

  it('fails with the server message when not found (404)', async () => {
    answer = errorAnswer(404, 'NotFoundError', 'Stage "shop/prod" not found');
    await expect(run(c.input).done).rejects.toThrow(
      'Kargo: Request failed with 404 Not Found: Stage "shop/prod" not found',
    );
  });

  it('refuses a project that is not a Kubernetes name, on a dry run too', async () => {
    await expect(
      run({ ...c.input, project: '../Shop' }, true).done,
    ).rejects.toThrow(/input\.project must be a Kubernetes name/);
    expect(backend.received).toEqual([]);
  });
});

describe('kargo:promote input', () => {
  let backend: Awaited<ReturnType<typeof startStubBackend>>;
  beforeEach(async () => {
    backend = await startStubBackend(() => ({
      status: 201,
      body: manifest('Promotion', 'p1', { freight: 'f1' }),
    }));
  });
  afterEach(() => backend.close());

  const promote = (input: object) =>
    createPromoteAction(backend.services()).handler(
      createMockActionContext({ input: input as any }),
    );

  it('promotes by alias', async () => {
    await promote({
      project: 'shop',
      stage: 'dev',
      freightAlias: 'wonky-wombat',
    });
    expect(JSON.parse(backend.received[0].body)).toEqual({
      freightAlias: 'wonky-wombat',
    });
  });

  it("promotes a Warehouse's newest Freight", async () => {
    await promote({ project: 'shop', stage: 'dev', origin: 'shop' });
    expect(JSON.parse(backend.received[0].body)).toEqual({
      origin: { kind: 'Warehouse', name: 'shop' },
    });
  });

  it('needs exactly one of freight, freightAlias and origin', async () => {
    await expect(promote({ project: 'shop', stage: 'dev' })).rejects.toThrow(
      'Give exactly one of input.freight, input.freightAlias or input.origin',
    );
    await expect(
      promote({ project: 'shop', stage: 'dev', freight: 'f1', origin: 'shop' }),
    ).rejects.toThrow('(got freight, origin)');
    expect(backend.received).toEqual([]);
  });
});
