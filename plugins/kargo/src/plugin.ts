import {
  createApiFactory,
  createPlugin,
  createRoutableExtension,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { KargoClient } from '@kargo-backstage/plugin-kargo-common';
import { kargoApiRef } from './api';

/** Where the app mounts the Promotions tab of an entity. */
export const entityContentRouteRef = createRouteRef({
  id: 'kargo:entity-content',
});

/** Where the app mounts the Kargo page. */
export const kargoPageRouteRef = createRouteRef({ id: 'kargo:page' });

/** The Kargo plugin for Backstage's classic frontend system. */
export const kargoPlugin = createPlugin({
  id: 'kargo',
  apis: [
    createApiFactory({
      api: kargoApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new KargoClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: { entityContent: entityContentRouteRef, root: kargoPageRouteRef },
});

/**
 * The Promotions tab: in the app's EntityPage,
 * `<EntityLayout.Route path="/kargo" title="Promotions" if={isKargoAvailable}>`.
 */
export const EntityKargoContent = kargoPlugin.provide(
  createRoutableExtension({
    name: 'EntityKargoContent',
    component: () =>
      import('./components/EntityKargoContent').then(m => m.EntityKargoContent),
    mountPoint: entityContentRouteRef,
  }),
);

/** The Kargo page: `<Route path="/kargo" element={<KargoPage />} />`. */
export const KargoPage = kargoPlugin.provide(
  createRoutableExtension({
    name: 'KargoPage',
    component: () =>
      import('./components/ProjectsPage').then(m => m.KargoProjectsPage),
    mountPoint: kargoPageRouteRef,
  }),
);
