import type { BackendFeature } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { JsonObject } from '@backstage/types';
import { Knex } from 'knex';
import request from 'supertest';
import kargoPlugin from '../../index';

/** An audit event as route tests check it: which one, and how it ended. */
export type RecordedAudit = { eventId: string; outcome?: string };

/**
 * The Kargo plugin in a test backend over `knex`, with permissions that
 * deny the named ones, an auditor that records events, extra modules, root
 * `config`, and `manifests` applied (expected to succeed).
 */
export async function startKargoBackend(options: {
  knex: Knex;
  manifests: string;
  deny?: string[];
  modules?: BackendFeature[];
  config?: JsonObject;
}) {
  const audits: RecordedAudit[] = [];
  const auditor = mockServices.auditor.mock({
    createEvent: async event => {
      const recorded: RecordedAudit = { eventId: event.eventId };
      audits.push(recorded);
      return {
        success: async () => {
          recorded.outcome = 'success';
        },
        fail: async () => {
          recorded.outcome = 'fail';
        },
      };
    },
  });
  // Read per call: a test may change it after start-up.
  const deny = options.deny ?? [];
  /** Every permission asked for, in order. */
  const asked: string[] = [];
  const permissions = mockServices.permissions.mock({
    authorize: async requests => {
      asked.push(...requests.map(r => r.permission.name));
      return requests.map(r => ({
        result: deny.includes(r.permission.name)
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
      })) as any;
    },
  });
  const { server } = await startTestBackend({
    features: [
      kargoPlugin,
      ...(options.modules ?? []),
      mockServices.database.factory({ knex: options.knex }),
      permissions.factory,
      auditor.factory,
      catalogServiceMock.factory(),
      ...(options.config
        ? [mockServices.rootConfig.factory({ data: options.config })]
        : []),
    ],
  });
  const applied = await request(server)
    .post('/api/kargo/v1beta1/resources')
    .set('Content-Type', 'application/yaml')
    .send(options.manifests);
  expect([applied.status, applied.body.error?.message]).toEqual([
    201,
    undefined,
  ]);
  return { server, audits, asked };
}
