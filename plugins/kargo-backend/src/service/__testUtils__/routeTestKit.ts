import { createBackendModule } from '@backstage/backend-plugin-api';
import { kargoPromotionStepsExtensionPoint } from '@kargo-backstage/plugin-kargo-node';
import request from 'supertest';

/** A `noop` promotion step (plus any given), so Promotions need no Git. */
export function testStepsModule(
  ...extra: Array<{
    name: string;
    run: () => Promise<{ status: 'Succeeded' }>;
  }>
) {
  return createBackendModule({
    pluginId: 'kargo',
    moduleId: 'route-test-steps',
    register(reg) {
      reg.registerInit({
        deps: { steps: kargoPromotionStepsExtensionPoint },
        async init({ steps }) {
          steps.addPromotionSteps(
            { name: 'noop', run: async () => ({ status: 'Succeeded' }) },
            ...extra,
          );
        },
      });
    },
  });
}

/**
 * Polls `GET <base><path>` every 50 ms (at most 10 s) until `check` holds
 * on the answer, and returns it; fails with the last answer otherwise.
 */
export async function eventually(
  server: any,
  base: string,
  path: string,
  check: (body: any) => boolean,
): Promise<any> {
  let body: any;
  for (let i = 0; i < 200; i++) {
    body = (await request(server).get(`${base}${path}`)).body;
    if (check(body)) return body;
    await new Promise(r => setTimeout(r, 50));
  }
  throw new Error(`${path} never got there: ${JSON.stringify(body)}`);
}

/** Project `demo` and its Warehouse `app` (an image that is never polled). */
export const DEMO_PROJECT_YAML = `
apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata: { name: demo }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: { name: app, namespace: demo }
spec:
  subscriptions: [{ image: { repoURL: registry.example.com/app } }]
`;
