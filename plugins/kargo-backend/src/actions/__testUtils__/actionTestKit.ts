import { mockCredentials } from '@backstage/backend-test-utils';
import type { MockActionsRegistry } from '@backstage/backend-test-utils/alpha';
import type { JsonObject } from '@backstage/types';
import { DEMO_PROJECT_YAML } from '../../service/__testUtils__/routeTestKit';

/** Runs a Kargo action (by its name) as `user:default/<who>`. */
export async function invokeAs(
  actions: MockActionsRegistry,
  who: string,
  name: string,
  input: JsonObject,
): Promise<any> {
  const { output } = await actions.invoke({
    id: `test:${name}`,
    input,
    credentials: mockCredentials.user(`user:default/${who}`),
  });
  return output;
}

/** Freight `name` from Warehouse `app`: one image at `tag`, with an alias. */
export const freightYaml = (name: string, tag: string) => `
apiVersion: kargo.akuity.io/v1alpha1
kind: Freight
metadata: { namespace: demo, name: ${name} }
alias: ${name}-alias
origin: { kind: Warehouse, name: app }
images: [{ repoURL: registry.example.com/app, tag: "${tag}", digest: "sha256:${name
  .repeat(64)
  .slice(0, 64)}" }]
`;

/**
 * The demo pipeline: `dev` takes Freight from the Warehouse, `prod` what
 * passed `dev`; both promote with `noop`. Freight f1 (`f1-alias`).
 */
export const PIPELINE_YAML = `${DEMO_PROJECT_YAML}${['dev', 'prod']
  .map(
    stage => `---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: { name: ${stage}, namespace: demo }
spec:
  requestedFreight:
    - origin: { kind: Warehouse, name: app }
      sources: ${stage === 'dev' ? '{ direct: true }' : '{ stages: [dev] }'}
  promotionTemplate: { spec: { steps: [{ uses: noop }] } }
`,
  )
  .join('')}---${freightYaml('f1', '1.0.0')}`;
