import type {
  KargoManifest,
  StageFreightList,
  UnavailableFreight,
} from '@kargo-backstage/plugin-kargo-common';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { KargoApi } from '../api';
import { KargoRenderOptions, renderKargoTab } from './renderKargoTab';

/**
 * What `listFreight` answers for prod: `available` (guestbook Freight),
 * and the rest with why not.
 */
export function freightForProd(
  available: KargoManifest[],
  unavailable: UnavailableFreight[],
): StageFreightList {
  return {
    apiVersion: 'kargo.akuity.io/v1alpha1',
    kind: 'FreightList',
    metadata: {},
    items: available,
    groups: {
      'Warehouse/guestbook': { items: available.map(f => f.metadata.name) },
    },
    unavailable,
  };
}

/**
 * Renders the tab with `api` answering `forProd` for prod and `all` for the
 * project's Freight, and enters promote mode for prod.
 */
export async function renderInPromoteModeForProd(
  api: jest.Mocked<KargoApi>,
  forProd: StageFreightList,
  all: KargoManifest[],
  options?: KargoRenderOptions,
) {
  api.listFreight.mockImplementation((async (
    _project: string,
    listOptions?: { stage?: string },
  ) => (listOptions?.stage ? forProd : { ...forProd, items: all })) as any);
  await renderKargoTab(api, options);
  const promote = await screen.findByRole('button', {
    name: 'Promote to prod',
  });
  await waitFor(() => expect(promote).toBeEnabled());
  await userEvent.click(promote);
  await screen.findByText(/available to prod/);
  return api;
}
