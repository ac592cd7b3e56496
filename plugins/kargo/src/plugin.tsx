import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { KargoClient } from '@kargo-backstage/plugin-kargo-common';
import { kargoApiRef } from './api';
import { isKargoAvailable } from './conditions';

const kargoApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: kargoApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new KargoClient({ discoveryApi, fetchApi }),
    }),
});

/** The "Promotions" tab on entities annotated with a Kargo project. */
const entityKargoContent = EntityContentBlueprint.make({
  params: {
    path: '/kargo',
    title: 'Promotions',
    group: 'deployment',
    filter: isKargoAvailable,
    loader: () =>
      import('./components/EntityKargoContent').then(m => (
        <m.EntityKargoContent />
      )),
  },
});

/** Kargo for Backstage: the frontend plugin (new frontend system). */
export default createFrontendPlugin({
  pluginId: 'kargo',
  extensions: [kargoApi, entityKargoContent],
});
