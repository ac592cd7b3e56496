import {
  ApiBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { KargoClient } from '@kargo-backstage/plugin-kargo-common';
import TimelineIcon from '@material-ui/icons/Timeline';
import { kargoApiRef } from '../api';
import { isKargoAvailable } from '../conditions';

/** The Kargo page: the projects, each with its pipeline. */
export const rootRouteRef = createRouteRef();

const kargoApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: kargoApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new KargoClient({ discoveryApi, fetchApi }),
    }),
});

const entityKargoContent = EntityContentBlueprint.make({
  params: {
    path: '/kargo',
    title: 'Promotions',
    group: 'deployment',
    filter: isKargoAvailable,
    loader: () =>
      import('../components/EntityKargoContent').then(m => (
        <m.EntityKargoContent />
      )),
  },
});

// With a title and an icon, the app's sidebar lists the page.
const kargoPage = PageBlueprint.make({
  params: {
    path: '/kargo',
    routeRef: rootRouteRef,
    title: 'Kargo',
    icon: <TimelineIcon />,
    loader: () =>
      import('../components/ProjectsPage').then(m => <m.KargoProjectsPage />),
  },
});

/** The plugin for Backstage's new frontend system. */
export default createFrontendPlugin({
  pluginId: 'kargo',
  extensions: [kargoApi, entityKargoContent, kargoPage],
  routes: { root: rootRouteRef },
});
