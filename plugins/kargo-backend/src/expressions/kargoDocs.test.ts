import { evaluateTemplate } from './template';
import {
  docsScope,
  docsStores as stores,
  freightCollection,
} from './__fixtures__/promotionScope';

/*
 * The examples of Kargo's expression reference
 * (docs/docs/50-user-guide/60-reference-docs/40-expressions.md), evaluated
 * over a Promotion like the one they describe, with the results the
 * document gives for them.
 */

const targetFreight = freightCollection[0].name;
const scope = docsScope();
const doc = (config: Record<string, any>) => evaluateTemplate(config, scope);

describe("Kargo's expression reference examples", () => {
  it('Syntax and Types: literals, quote() and the ${% %} delimiters', async () => {
    await expect(doc({ message: '${{ "Hello, world!" }}' })).resolves.toEqual({
      message: 'Hello, world!',
    });
    await expect(
      doc({ numField: '${{ 40 + 2 }}', strField: '${{ quote(40 + 2) }}' }),
    ).resolves.toEqual({ numField: 42, strField: '42' });
    await expect(
      doc({ jsonData: '${% {"labels": {"app": "nginx"}} %}' }),
    ).resolves.toEqual({
      jsonData: { labels: { app: 'nginx' } },
    });
    await expect(
      doc({ jsonObject: '${{ {"labels": {"app": "nginx"}} }}' }),
    ).rejects.toThrow();
  });

  it('quote(), unsafeQuote(), asYAML(), asJSON()', async () => {
    await expect(
      doc({
        rawField: '${{ quote("string") }}',
        strField: '${{ unsafeQuote(40 + 2) }}',
        unsafeRaw: '${{ unsafeQuote("string") }}',
        yaml: "${{ asYAML(outputs['read-config'].appConfig) }}",
        json: "${{ asJSON(outputs['read-config'].appConfig) }}",
      }),
    ).resolves.toEqual({
      rawField: 'string',
      strField: '42',
      unsafeRaw: '"string"',
      yaml: 'name: app\nreplicas: 2\n',
      json: '{\n  "name": "app",\n  "replicas": 2\n}\n',
    });
  });

  it('configMap(), sharedConfigMap(), secret(), sharedSecret()', async () => {
    await expect(
      doc({
        repoURL: "${{ configMap('my-config').repoURL }}",
        sharedRepoURL: "${{ sharedConfigMap('my-config').repoURL }}",
        missing: "${{ configMap('nope') }}",
        headers: [
          {
            name: 'Authorization',
            value: "Bearer ${{ secret('slack').token }}",
          },
          {
            name: 'Shared',
            value: "Bearer ${{ sharedSecret('slack').token }}",
          },
        ],
      }),
    ).resolves.toEqual({
      repoURL: 'https://github.com/example/repo.git',
      sharedRepoURL: 'https://github.com/example/shared.git',
      missing: {},
      headers: [
        { name: 'Authorization', value: 'Bearer xoxb-secret-token' },
        { name: 'Shared', value: 'Bearer xoxb-shared-token' },
      ],
    });
    expect(scope.revealed).toEqual(['xoxb-secret-token', 'xoxb-shared-token']);
  });

  it('warehouse(), commitFrom(), imageFrom(), chartFrom()', async () => {
    await expect(
      doc({
        commitID: '${{ commitFrom("https://github.com/example/repo.git").ID }}',
        commitFromWarehouse:
          '${{ commitFrom("https://github.com/example/repo.git", warehouse("my-warehouse")).ID }}',
        imageTag: '${{ imageFrom("public.ecr.aws/nginx/nginx").Tag }}',
        imageTagFromWarehouse:
          '${{ imageFrom("public.ecr.aws/nginx/nginx", warehouse("my-warehouse")).Tag }}',
        ociChart: '${{ chartFrom("oci://example.com/my-chart").Version }}',
        ociChartFromWarehouse:
          '${{ chartFrom("oci://example.com/my-chart", warehouse("my-warehouse")).Version }}',
        httpChart:
          '${{ chartFrom("https://example.com/charts", "my-chart").Version }}',
        httpChartFromWarehouse:
          '${{ chartFrom("https://example.com/charts", "my-chart", warehouse("my-warehouse")).Version }}',
        notFound:
          '${{ imageFrom("public.ecr.aws/nginx/nginx", warehouse("other-warehouse")) }}',
        origin: '${{ warehouse("my-warehouse") }}',
      }),
    ).resolves.toEqual({
      commitID: 'abc1234def',
      commitFromWarehouse: 'abc1234def',
      imageTag: '1.27.0',
      imageTagFromWarehouse: '1.27.0',
      ociChart: '1.2.3',
      ociChartFromWarehouse: '1.2.3',
      httpChart: '0.9.0',
      httpChartFromWarehouse: '0.9.0',
      notFound: null,
      origin: { kind: 'Warehouse', name: 'my-warehouse' },
    });
  });

  it('freightMetadata(), with ?? and ?. for what is missing', async () => {
    await expect(
      doc({
        category: '${{ freightMetadata(ctx.targetFreight.name).category }}',
        settings:
          '${{ freightMetadata(ctx.targetFreight.name)[\'settings\'] ?? "default-settings" }}',
        nested:
          '${{ freightMetadata(ctx.targetFreight.name)?.config?.settings?.timeoutSeconds ?? 300 }}',
        unknownFreight:
          "${{ freightMetadata('nope')?.config?.settings?.timeoutSeconds ?? 300 }}",
      }),
    ).resolves.toEqual({
      category: 'hotfix',
      settings: 'default-settings',
      nested: 60,
      unknownFreight: 300,
    });
  });

  it('freightStatus(): the compose-output and fail examples', async () => {
    const config = {
      all: '${{ freightStatus(ctx.targetFreight.name) }}',
      currentlyIn: '${{ freightStatus(ctx.targetFreight.name).currentlyIn }}',
      approvedFor: '${{ freightStatus(ctx.targetFreight.name).approvedFor }}',
      wasBypassed:
        '${{ freightStatus(ctx.targetFreight.name).approvedFor?.prod?.approvedAt != nil }}',
      message:
        'Freight ${{ ctx.targetFreight.name }} was promoted to prod via a manual approval bypass ' +
        '(approvedFor.prod.approvedAt = ${{ freightStatus(ctx.targetFreight.name).approvedFor?.prod?.approvedAt }}).',
    };
    const result = (await doc(config)) as Record<string, any>;
    expect(result.all).toEqual(stores.freightStatus[targetFreight]);
    expect(result.currentlyIn).toEqual({ test: {} });
    expect(result.approvedFor).toEqual({
      prod: { approvedAt: '2025-01-02T03:04:05Z' },
    });
    expect(result.wasBypassed).toBe(true);
    expect(result.message).toBe(
      `Freight ${targetFreight} was promoted to prod via a manual approval bypass ` +
        '(approvedFor.prod.approvedAt = 2025-01-02T03:04:05Z).',
    );
  });

  it('stageMetadata()', async () => {
    await expect(
      doc({
        region: "${{ stageMetadata(ctx.stage)['aws-region'] }}",
        tier: '${{ stageMetadata(ctx.stage)[\'tier\'] ?? "default-tier" }}',
        nested:
          '${{ stageMetadata(ctx.stage)?.config?.settings?.timeoutSeconds ?? 300 }}',
      }),
    ).resolves.toEqual({
      region: 'eu-west-1',
      tier: 'default-tier',
      nested: 300,
    });
  });

  it('success(), failure(), always(), status()', async () => {
    await expect(
      doc({
        wasSuccessful: '${{ success() }}',
        wasFailure: '${{ failure() }}',
        alwaysTrue: '${{ always() }}',
        status: '${{ status("my-step-alias") }}',
      }),
    ).resolves.toEqual({
      wasSuccessful: true,
      wasFailure: false,
      alwaysTrue: true,
      status: 'Succeeded',
    });
  });
});
