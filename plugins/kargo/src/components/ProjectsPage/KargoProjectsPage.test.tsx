import type { KargoManifest } from '@kargo-backstage/plugin-kargo-common';
import { screen, within } from '@testing-library/react';
import {
  f1,
  f2,
  manifest,
  project,
  warehouse,
} from '../../__testUtils__/pipelineFixtures';
import {
  fakeKargoApi,
  renderWithKargo,
} from '../../__testUtils__/renderKargoTab';
import { responseError } from '../../__testUtils__/responseError';
import { rowsOf } from '../../__testUtils__/tableRows';
import { KargoProjectsPage } from './KargoProjectsPage';

const list = (items: KargoManifest[]) => ({
  apiVersion: 'kargo.akuity.io/v1alpha1',
  kind: 'List',
  metadata: {},
  items,
});

/** An API answering the demo project's lists, Stages in name order. */
function projectApi() {
  const api = fakeKargoApi();
  const { stages } = project();
  api.listProjects.mockResolvedValue(
    list([
      manifest('Project', 'kargo-demo', {}),
      manifest('Project', 'payments', {}),
    ]),
  );
  api.getProject.mockResolvedValue(manifest('Project', 'kargo-demo', {}));
  api.listStages.mockResolvedValue(
    list(
      [...stages].sort((a, b) =>
        a.metadata.name.localeCompare(b.metadata.name),
      ),
    ),
  );
  api.listWarehouses.mockResolvedValue(list([warehouse]));
  api.listFreight.mockResolvedValue(list([f2]));
  api.getFreight.mockResolvedValue(f1);
  return api;
}

describe('the Kargo page', () => {
  it('lists the projects the user may see, each a link to its pipeline', async () => {
    await renderWithKargo(<KargoProjectsPage />, projectApi());
    const link = await screen.findByRole('link', { name: 'kargo-demo' });
    expect(link).toHaveAttribute('href', '/kargo-demo');
    expect(screen.getByRole('link', { name: 'payments' })).toBeVisible();
  });

  it("shows a project's pipeline, Stages in promotion order", async () => {
    const api = projectApi();
    await renderWithKargo(<KargoProjectsPage />, api, {
      routeEntries: ['/kargo-demo'],
    });
    expect(
      await screen.findByText('Kargo project kargo-demo'),
    ).toBeInTheDocument();
    const rows = rowsOf(screen.getByRole('table', { name: 'Stages' }));
    expect(rows.map(r => r.slice(0, 3))).toEqual([
      ['dev', 'guestbook from Warehouse', 'calm-fox (guestbook@1111111)'],
      ['staging', 'guestbook from dev', 'calm-fox (guestbook@1111111)'],
      ['prod', 'guestbook from staging', 'none yet'],
    ]);
    // f1 is held but not among the newest: read by name.
    expect(api.getFreight).toHaveBeenCalledWith('kargo-demo', 'f1');
    expect(
      within(screen.getByRole('table', { name: 'Warehouses' })).getByText(
        'brave-owl (guestbook@2222222)',
      ),
    ).toBeInTheDocument();
  });

  it('says why when the projects cannot be listed', async () => {
    const api = projectApi();
    api.listProjects.mockRejectedValue(
      await responseError(
        403,
        'NotAllowedError',
        'You are not allowed to do this (kargo.project.read)',
      ),
    );
    await renderWithKargo(<KargoProjectsPage />, api);
    expect(
      await screen.findByText(
        'You are not allowed to do this (kargo.project.read)',
        { selector: 'p' },
      ),
    ).toBeInTheDocument();
  });
});
