import type { Entity } from '@backstage/catalog-model';
import type { ApiRef } from '@backstage/core-plugin-api';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import {
  AuthorizeResult,
  EvaluatePermissionRequest,
} from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import type {
  EntityPipelineResponse,
  KargoList,
} from '@kargo-backstage/plugin-kargo-common';
import type { ReactElement } from 'react';
import { SWRConfig } from 'swr';
import { KargoApi, kargoApiRef } from '../api';
import { EntityKargoContent } from '../components/EntityKargoContent';
import { annotatedEntity } from './pipelineFixtures';

const emptyList: KargoList = {
  apiVersion: 'kargo.akuity.io/v1alpha1',
  kind: 'FreightList',
  metadata: {},
  items: [],
};

/** Every method a jest.fn: reads answer `pipeline`, writes answer `{}`. */
export function fakeKargoApi(
  pipeline?: EntityPipelineResponse,
): jest.Mocked<KargoApi> {
  const answer = <T,>(value: T) => jest.fn().mockResolvedValue(value);
  return {
    getEntityPipeline: answer(pipeline),
    syncManifestSource: answer({}),
    listProjects: answer(emptyList),
    getProject: answer({}),
    listStages: answer(emptyList),
    getStage: answer({}),
    listWarehouses: answer(emptyList),
    getWarehouse: answer({}),
    listFreight: answer(emptyList),
    getFreight: answer({}),
    listPromotions: answer(emptyList),
    getPromotion: answer({}),
    getPromotionSteps: answer({ items: [] }),
    getAnalysisRun: answer({}),
    getStageAudit: answer({ items: [] }),
    promote: answer({}),
    promoteDownstream: answer(emptyList),
    approveFreight: answer({}),
    abortPromotion: answer({}),
    retryPromotion: answer({}),
    refreshWarehouse: answer({}),
    refreshStage: answer({}),
    reverifyStage: answer({}),
    abortVerification: answer({}),
    applyManifests: answer({ results: [] }),
    approvePromotion: answer({}),
    rejectPromotion: answer({}),
    freeze: answer({}),
    unfreeze: answer({}),
    listFreezes: answer({ items: [] }),
    rejectFreight: answer({}),
    unrejectFreight: answer({}),
  } as unknown as jest.Mocked<KargoApi>;
}

/** Allow or deny every permission, or decide request by request. */
export type PermissionDecider =
  | 'allow'
  | 'deny'
  | ((
      request: EvaluatePermissionRequest,
    ) => AuthorizeResult.ALLOW | AuthorizeResult.DENY);

export type KargoRenderOptions = {
  permission?: PermissionDecider;
  /** More APIs, e.g. signals. */
  apis?: Array<readonly [ApiRef<any>, any]>;
  /** The app's location(s), for pages with routes of their own. */
  routeEntries?: string[];
};

/**
 * `ui` in a test app with the Kargo API and a permission API deciding as
 * told (default: allow).
 */
export function renderWithKargo(
  ui: ReactElement,
  api: KargoApi,
  options: KargoRenderOptions = {},
) {
  const { permission = 'allow' } = options;
  const decide: Record<
    'allow' | 'deny',
    AuthorizeResult.ALLOW | AuthorizeResult.DENY
  > = { allow: AuthorizeResult.ALLOW, deny: AuthorizeResult.DENY };
  const permissionApi = mockApis.permission({
    authorize:
      typeof permission === 'function' ? permission : decide[permission],
  });
  return renderInTestApp(
    // usePermission caches answers (SWR) across renders: each test its own.
    <SWRConfig value={{ provider: () => new Map() }}>
      <TestApiProvider
        apis={[
          [kargoApiRef, api],
          [permissionApiRef, permissionApi],
          ...(options.apis ?? []),
        ]}
      >
        {ui}
      </TestApiProvider>
    </SWRConfig>,
    {
      routeEntries: options.routeEntries,
      // Entity links (who promoted) lead to the catalog's entity page.
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}

/** The Promotions tab of an entity, as the app renders it. */
export function renderKargoTab(
  api: KargoApi,
  options: KargoRenderOptions & { entity?: Entity } = {},
) {
  return renderWithKargo(
    <EntityProvider entity={options.entity ?? annotatedEntity}>
      <EntityKargoContent />
    </EntityProvider>,
    api,
    options,
  );
}
