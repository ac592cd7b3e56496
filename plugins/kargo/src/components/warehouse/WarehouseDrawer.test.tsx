import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  commitFreight,
  pipeline,
  SRC,
  warehouse,
} from '../../__testUtils__/pipelineFixtures';
import {
  fakeKargoApi,
  renderKargoTab,
} from '../../__testUtils__/renderKargoTab';
import { responseError } from '../../__testUtils__/responseError';
import { rowsOf } from '../../__testUtils__/tableRows';

const discovered = {
  ...warehouse,
  status: {
    lastFreightID: 'f2',
    discoveredArtifacts: {
      discoveredAt: '2026-11-26T10:00:00Z',
      git: [
        {
          repoURL: SRC,
          commits: [
            {
              id: '2222222bbbbbbb',
              branch: 'main',
              subject: 'guestbook 1.1.0',
            },
            {
              id: '1111111aaaaaaa',
              branch: 'main',
              subject: 'guestbook 1.0.0',
            },
          ],
        },
      ],
      images: [],
      charts: [],
      results: [],
    },
    conditions: [
      {
        type: 'Ready',
        status: 'False',
        reason: 'DiscoveryFailed',
        message: 'spec.subscriptions[0] (git): 401 from github.com',
        lastTransitionTime: '2026-11-26T10:00:00Z',
      },
    ],
  },
};

async function openWarehouseDrawer() {
  await userEvent.click(
    await screen.findByRole('button', { name: 'Open Warehouse guestbook' }),
  );
  return screen.findByRole('dialog', { name: 'Warehouse guestbook' });
}

function warehouseApi() {
  const api = fakeKargoApi(pipeline());
  api.getWarehouse.mockResolvedValue(discovered);
  return api;
}

describe('the Warehouse drawer', () => {
  it('shows the subscriptions, the last discovery and its error, and refreshes', async () => {
    const api = warehouseApi();
    await renderKargoTab(api);
    const drawer = await openWarehouseDrawer();
    expect(
      await within(drawer).findByRole('list', { name: 'Subscriptions' }),
    ).toHaveTextContent(`git ${SRC} @ main`);
    expect(drawer).toHaveTextContent('Last discovery: 2026-11-26T10:00:00Z');
    expect(
      rowsOf(within(drawer).getByRole('table', { name: 'Conditions' })),
    ).toEqual([
      [
        'Ready',
        'False',
        'DiscoveryFailed',
        'spec.subscriptions[0] (git): 401 from github.com',
        '2026-11-26T10:00:00Z',
      ],
    ]);
    expect(api.getWarehouse).toHaveBeenCalledWith('kargo-demo', 'guestbook');

    await userEvent.click(
      within(drawer).getByRole('button', {
        name: 'Refresh Warehouse guestbook',
      }),
    );
    expect(api.refreshWarehouse).toHaveBeenCalledWith(
      'kargo-demo',
      'guestbook',
    );
    // The drawer reads the Warehouse again with the pipeline.
    await waitFor(() => expect(api.getWarehouse).toHaveBeenCalledTimes(2));
  });

  it('lists what each subscription discovered', async () => {
    await renderKargoTab(warehouseApi());
    const drawer = await openWarehouseDrawer();
    await userEvent.click(
      within(drawer).getByRole('tab', { name: 'Discovered artifacts' }),
    );
    const commits = await within(drawer).findByRole('table', {
      name: 'Discovered git guestbook',
    });
    expect(rowsOf(commits).map(r => r.slice(0, 2))).toEqual([
      ['2222222 on main', 'guestbook 1.1.0'],
      ['1111111 on main', 'guestbook 1.0.0'],
    ]);
  });

  it('assembles Freight by hand from a discovered version', async () => {
    const api = warehouseApi();
    api.applyManifests.mockResolvedValue({
      results: [
        {
          createdResourceManifest: commitFreight(
            'f0',
            'old-elk',
            '1111111aaaaaaa',
          ),
        },
      ],
    });
    await renderKargoTab(api);
    const drawer = await openWarehouseDrawer();
    await userEvent.click(
      within(drawer).getByRole('tab', { name: 'Assemble Freight' }),
    );
    await userEvent.click(
      await within(drawer).findByRole('button', { name: /git guestbook/ }),
    );
    await userEvent.click(
      await screen.findByRole('option', { name: /1111111 on main/ }),
    );
    const create = within(drawer).getByRole('button', {
      name: 'Create Freight',
    });
    await waitFor(() => expect(create).toBeEnabled());
    await userEvent.click(create);
    expect(api.applyManifests).toHaveBeenCalledWith(
      [
        {
          apiVersion: 'kargo.akuity.io/v1alpha1',
          kind: 'Freight',
          metadata: { namespace: 'kargo-demo' },
          origin: { kind: 'Warehouse', name: 'guestbook' },
          commits: [
            {
              repoURL: SRC,
              id: '1111111aaaaaaa',
              branch: 'main',
              message: 'guestbook 1.0.0',
            },
          ],
        },
      ],
      { mode: 'create' },
    );
    expect(
      await within(drawer).findByText('Created Freight old-elk.'),
    ).toBeInTheDocument();
  });

  it("keeps the server's refusal in view, and disables assembly without permission", async () => {
    const api = warehouseApi();
    api.applyManifests.mockRejectedValue(
      await responseError(409, 'ConflictError', 'Freight "abc" already exists'),
    );
    const { unmount } = await renderKargoTab(api);
    let drawer = await openWarehouseDrawer();
    await userEvent.click(
      within(drawer).getByRole('tab', { name: 'Assemble Freight' }),
    );
    const create = await within(drawer).findByRole('button', {
      name: 'Create Freight',
    });
    await waitFor(() => expect(create).toBeEnabled());
    await userEvent.click(create);
    expect(
      await within(drawer).findByText('Freight "abc" already exists', {
        selector: 'p',
      }),
    ).toBeInTheDocument();
    unmount();

    await renderKargoTab(warehouseApi(), { permission: 'deny' });
    drawer = await openWarehouseDrawer();
    await userEvent.click(
      within(drawer).getByRole('tab', { name: 'Assemble Freight' }),
    );
    const denied = await within(drawer).findByRole('button', {
      name: 'Create Freight',
    });
    await waitFor(() => expect(denied).toBeDisabled());
    await userEvent.hover(denied.parentElement!);
    expect(
      await screen.findByText('You lack the kargo.resource.manage permission'),
    ).toBeInTheDocument();
  });
});
