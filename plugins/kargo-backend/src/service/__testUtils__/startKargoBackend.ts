import type { BackendFeature } from '@backstage/backend-plugin-api';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import type { Entity } from '@backstage/catalog-model';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
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
 * `config`, and `manifests` applied (expected to succeed). Its actions
 * registry is a mock whose `invoke` runs Kargo's actions (ids `test:<name>`)
 * with the credentials given.
 */
export async function startKargoBackend(options: {
  knex: Knex;
  manifests: string;
  deny?: string[];
  modules?: BackendFeature[];
  config?: JsonObject;
  /** What the catalog holds (linked entities, their owners). */
  entities?: Entity[];
}) {
  const audits: RecordedAudit[] = [];
  /** Each audit event's `meta` as created, in the order of `audits`. */
  const auditMeta: Array<JsonObject | undefined> = [];
  const auditor = mockServices.auditor.mock({
    createEvent: async event => {
      const recorded: RecordedAudit = { eventId: event.eventId };
      audits.push(recorded);
      auditMeta.push(event.meta);
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
  const actions = actionsRegistryServiceMock();
  const { server } = await startTestBackend({
    features: [
      kargoPlugin,
      createServiceFactory({
        service: actionsRegistryServiceRef,
        deps: {},
        factory: () => actions,
      }),
      ...(options.modules ?? []),
      mockServices.database.factory({ knex: options.knex }),
      permissions.factory,
      auditor.factory,
      catalogServiceMock.factory({ entities: options.entities }),
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
  return { server, audits, auditMeta, asked, actions };
}
