import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { pipeline } from '../../__testUtils__/pipelineFixtures';
import {
  fakeKargoApi,
  renderKargoTab,
} from '../../__testUtils__/renderKargoTab';
import {
  analysisRun,
  devWithHistory,
  runningPromotion,
  runningSteps,
  succeededPromotion,
} from '../../__testUtils__/stageFixtures';
import { rowsOf } from '../../__testUtils__/tableRows';

function stageApi() {
  const api = fakeKargoApi(pipeline());
  api.getStage.mockResolvedValue(devWithHistory);
  api.listPromotions.mockResolvedValue({
    apiVersion: 'kargo.akuity.io/v1alpha1',
    kind: 'PromotionList',
    metadata: {},
    items: [runningPromotion('dev.2', 'dev', 1), succeededPromotion],
  });
  api.getPromotionSteps.mockResolvedValue({ items: runningSteps });
  api.getAnalysisRun.mockResolvedValue(analysisRun);
  return api;
}

async function openDevDrawer() {
  await userEvent.click(
    await screen.findByRole('button', { name: 'Open Stage dev' }),
  );
  return screen.findByRole('dialog', { name: 'Stage dev' });
}

describe('the Stage drawer', () => {
  it("lists the Stage's Promotions and the steps of the newest, live while it runs", async () => {
    const api = stageApi();
    await renderKargoTab(api);
    const drawer = await openDevDrawer();
    const promotions = await within(drawer).findByRole('table', {
      name: 'Promotions',
    });
    expect(rowsOf(promotions).map(r => r.slice(0, 6))).toEqual([
      [
        'dev.2',
        'brave-owl (guestbook@2222222)',
        'Running',
        '',
        'user:default/guest',
        '',
      ],
      [
        'dev.1',
        'calm-fox (guestbook@1111111)',
        'Succeeded',
        '',
        'user:default/ana',
        '1m 05s',
      ],
    ]);
    expect(api.listPromotions).toHaveBeenCalledWith('kargo-demo', {
      stage: 'dev',
      limit: 20,
    });

    const steps = await within(drawer).findByRole('table', {
      name: 'Steps of dev.2',
    });
    const rows = rowsOf(steps);
    expect(rows.map(r => r.slice(0, 3))).toEqual([
      ['1', 'clone (git-clone)', 'Succeeded'],
      ['2', 'commit (git-commit)', 'Running'],
      ['3', 'push (git-push)', 'Pending'],
    ]);
    expect(rows[0][3]).toBe('2s');
    expect(rows[1][4]).toBe('waiting for the lock');

    await userEvent.click(
      within(steps).getByRole('button', { name: 'Output and log of clone' }),
    );
    expect(within(steps).getByLabelText('Log of clone')).toHaveTextContent(
      '2026-11-26T10:00:01Z cloned guestbook-gitops',
    );
    // The output as YAML (the code view loads its highlighter lazily).
    await waitFor(() =>
      expect(steps).toHaveTextContent('commit: 2222222bbbbbbb'),
    );

    // Running: the steps are read again without any action.
    await waitFor(
      () => expect(api.getPromotionSteps).toHaveBeenCalledTimes(2),
      { timeout: 4000 },
    );
    expect(api.getPromotionSteps).toHaveBeenCalledWith('kargo-demo', 'dev.2');
  });

  it('shows the steps of the Promotion chosen, and aborts the running one', async () => {
    const api = stageApi();
    await renderKargoTab(api);
    const drawer = await openDevDrawer();
    await userEvent.click(
      await within(drawer).findByRole('button', { name: 'Steps of dev.1' }),
    );
    expect(
      await within(drawer).findByRole('table', { name: 'Steps of dev.1' }),
    ).toBeVisible();
    expect(api.getPromotionSteps).toHaveBeenLastCalledWith(
      'kargo-demo',
      'dev.1',
    );

    const promotions = within(drawer).getByRole('table', {
      name: 'Promotions',
    });
    await userEvent.click(
      within(promotions).getByRole('button', { name: 'Abort' }),
    );
    expect(api.abortPromotion).toHaveBeenCalledWith('kargo-demo', 'dev.2');
    // The outcome shows in the drawer (the pipeline's is behind it).
    expect(await within(drawer).findByText('Abort dev.2: done')).toBeVisible();
  });

  it('shows the verifications with their AnalysisRun, and the Freight history', async () => {
    const api = stageApi();
    await renderKargoTab(api);
    const drawer = await openDevDrawer();
    await userEvent.click(
      within(drawer).getByRole('tab', { name: 'Verifications' }),
    );
    const verifications = await within(drawer).findByRole('table', {
      name: 'Verifications',
    });
    const rows = rowsOf(verifications);
    expect(rows.map(r => r.slice(0, 2))).toEqual([
      ['brave-owl (guestbook@2222222) (current)', 'Running'],
      ['calm-fox (guestbook@1111111)', 'Successful'],
    ]);
    expect(rows[1][3]).toBe('10s');
    expect(rows[0][4]).toBe('user:default/guest');

    const metrics = await within(drawer).findByRole('table', {
      name: 'Metrics',
    });
    expect(rowsOf(metrics)).toEqual([
      ['smoke', 'Running', '1 of 1 successful', '{"ok":true}', ''],
    ]);
    expect(api.getAnalysisRun).toHaveBeenCalledWith('kargo-demo', 'dev.01j.f2');
    await userEvent.click(
      within(verifications).getByRole('button', {
        name: 'AnalysisRun dev.01h.f1',
      }),
    );
    await waitFor(() =>
      expect(api.getAnalysisRun).toHaveBeenLastCalledWith(
        'kargo-demo',
        'dev.01h.f1',
      ),
    );

    await userEvent.click(
      within(drawer).getByRole('tab', { name: 'Freight history' }),
    );
    const history = await within(drawer).findByRole('table', {
      name: 'Freight history',
    });
    expect(rowsOf(history)).toEqual([
      ['now', 'brave-owl (guestbook@2222222)', 'Running'],
      ['-1', 'calm-fox (guestbook@1111111)', 'Successful'],
    ]);
  });

  it('shows the Stage manifest as YAML, and opens from the graph too', async () => {
    const api = stageApi();
    await renderKargoTab(api);
    await screen.findByText('Kargo project kargo-demo');
    await userEvent.click(screen.getByRole('button', { name: 'Graph' }));
    const node = await screen.findByRole('group', { name: 'Stage dev' });
    await userEvent.click(
      within(node).getByRole('button', { name: 'Open Stage dev' }),
    );
    const drawer = await screen.findByRole('dialog', { name: 'Stage dev' });
    await userEvent.click(
      within(drawer).getByRole('tab', { name: 'Manifest' }),
    );
    await waitFor(() => expect(drawer).toHaveTextContent('kind: Stage'));
    expect(drawer).toHaveTextContent('name: dev');
    expect(api.getStage).toHaveBeenCalledWith('kargo-demo', 'dev');

    await userEvent.click(
      within(drawer).getByRole('button', { name: 'Close Stage dev' }),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('says so when the Stage cannot be read', async () => {
    const api = stageApi();
    api.getStage.mockRejectedValue(
      new Error('Stage "kargo-demo/dev" not found'),
    );
    await renderKargoTab(api);
    const drawer = await openDevDrawer();
    await userEvent.click(
      within(drawer).getByRole('tab', { name: 'Freight history' }),
    );
    expect(
      await within(drawer).findByText('Stage "kargo-demo/dev" not found', {
        selector: 'p',
      }),
    ).toBeInTheDocument();
  });
});
