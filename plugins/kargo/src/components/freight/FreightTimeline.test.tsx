import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  commitFreight,
  f1,
  f2,
  manifest,
  pipeline,
} from '../../__testUtils__/pipelineFixtures';
import {
  fakeKargoApi,
  renderKargoTab,
} from '../../__testUtils__/renderKargoTab';
import {
  freightForProd,
  renderInPromoteModeForProd,
} from '../../__testUtils__/promoteMode';

const freightCards = () =>
  within(screen.getByRole('list', { name: 'Freight' })).getAllByRole(
    'listitem',
  );

const infraFreight = manifest('Freight', 'f3', {
  alias: 'tidy-elk',
  origin: { kind: 'Warehouse', name: 'infra' },
  images: [{ repoURL: 'ghcr.io/acme/infra', tag: '2.0.0' }],
  discoveredAt: '2026-11-21T10:00:00Z',
});

describe('FreightTimeline', () => {
  it('lists Freight newest first, marked with the Stages using it, filterable by origin', async () => {
    const api = fakeKargoApi(
      pipeline({
        warehouses: [
          manifest('Warehouse', 'guestbook', {}),
          manifest('Warehouse', 'infra', {}),
        ],
      }),
    );
    api.listFreight.mockResolvedValue({
      apiVersion: 'kargo.akuity.io/v1alpha1',
      kind: 'FreightList',
      metadata: {},
      items: [f2, infraFreight, f1],
    });
    await renderKargoTab(api);
    await waitFor(() => expect(freightCards()).toHaveLength(3));
    expect(freightCards().map(c => c.getAttribute('aria-label'))).toEqual([
      'Freight brave-owl',
      'Freight tidy-elk',
      'Freight calm-fox',
    ]);
    const calmFox = freightCards()[2];
    expect(within(calmFox).getByText('dev')).toBeInTheDocument();
    expect(within(calmFox).getByText('staging')).toBeInTheDocument();
    expect(within(freightCards()[0]).queryByText('dev')).toBeNull();
    expect(within(freightCards()[1]).getByText('infra:2.0.0')).toBeVisible();

    await userEvent.click(screen.getByRole('button', { name: 'Origin' }));
    await userEvent.click(await screen.findByRole('option', { name: 'infra' }));
    await waitFor(() =>
      expect(freightCards().map(c => c.getAttribute('aria-label'))).toEqual([
        'Freight tidy-elk',
      ]),
    );
  });

  describe('in promote mode for a Stage', () => {
    const soakEnds = Date.now() + 30 * 60 * 1000;
    const forProd = freightForProd(
      [f1],
      [
        {
          name: 'f2',
          alias: 'brave-owl',
          origin: 'guestbook',
          reason: 'soaking in "staging" for 30m0s more (requiredSoakTime 1h)',
          availableAt: new Date(soakEnds).toISOString(),
        },
        {
          name: 'f4',
          origin: 'guestbook',
          reason: 'not verified in "staging"',
        },
      ],
    );
    const f4 = commitFreight('f4', 'old-bat', '4444444', {
      discoveredAt: '2026-11-01T10:00:00Z',
    });

    async function enterPromoteMode() {
      const api = await renderInPromoteModeForProd(
        fakeKargoApi(pipeline()),
        forProd,
        [f2, f1, f4],
      );
      await screen.findByText(/of 3 available to prod/);
      return api;
    }

    it('highlights what the Stage may take and says why not for the rest', async () => {
      const api = await enterPromoteMode();
      expect(api.listFreight).toHaveBeenCalledWith('kargo-demo', {
        stage: 'prod',
      });
      expect(screen.getByText(/1 of 3 available to prod/)).toBeVisible();
      const [braveOwl, calmFox, oldBat] = freightCards();
      expect(
        within(calmFox).getByRole('button', { name: 'Promote to prod' }),
      ).toBeEnabled();
      expect(
        within(braveOwl).getByText(/Not available: soaking in "staging"/),
      ).toBeVisible();
      expect(
        within(braveOwl).getByText(/available in (29m5\ds|30m0s)/),
      ).toBeVisible();
      expect(
        within(oldBat).getByText('Not available: not verified in "staging"'),
      ).toBeVisible();
      expect(
        within(braveOwl).queryByRole('button', { name: 'Promote to prod' }),
      ).toBeNull();
    });

    it('approves unavailable Freight for the Stage', async () => {
      const api = await enterPromoteMode();
      const [braveOwl] = freightCards();
      await userEvent.click(
        within(braveOwl).getByRole('button', { name: 'Approve for prod' }),
      );
      expect(api.approveFreight).toHaveBeenCalledWith(
        'kargo-demo',
        'f2',
        'prod',
      );
      expect(
        await screen.findByText('Approve brave-owl for prod: done'),
      ).toBeVisible();
    });

    it('opens the promote dialog from available Freight, and leaves on cancel', async () => {
      await enterPromoteMode();
      const [, calmFox] = freightCards();
      await userEvent.click(
        within(calmFox).getByRole('button', { name: 'Promote to prod' }),
      );
      expect(
        await screen.findByRole('dialog', { name: 'Promote calm-fox to prod' }),
      ).toBeVisible();
      await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
      await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
      await waitFor(() =>
        expect(screen.queryByText(/available to prod/)).toBeNull(),
      );
    });
  });
});
