import type { StageAuditEntry } from '@kargo-backstage/plugin-kargo-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { commitFreight, pipeline } from '../../__testUtils__/pipelineFixtures';
import {
  fakeKargoApi,
  renderKargoTab,
} from '../../__testUtils__/renderKargoTab';
import { responseError } from '../../__testUtils__/responseError';
import { rowsOf } from '../../__testUtils__/tableRows';

/** f0: older Freight the pipeline does not carry, only the Freight list. */
const f0 = commitFreight('f0aaaaaaaaaa', 'quiet-elk', '0000000aaaaaaa');

const trail: StageAuditEntry[] = [
  {
    at: '2026-11-26T12:30:00.000Z',
    actor: 'user:default/bob',
    action: 'froze',
    detail: 'Stage: incident 42',
  },
  {
    at: '2026-11-26T12:00:00.000Z',
    actor: 'user:default/ana',
    action: 'promoted',
    promotion: 'dev.2',
    freight: 'f1',
    outcome: 'Succeeded',
  },
  {
    at: '2026-11-26T11:00:00.000Z',
    actor: 'user:default/carol',
    action: 'approved-freight',
    freight: 'f1',
  },
  {
    at: '2026-11-26T10:00:00.000Z',
    actor: 'service:plugin:scaffolder',
    action: 'rejected-freight',
    freight: 'f0aaaaaaaaaa',
    detail: 'CVE-2026-1',
  },
  {
    at: '2026-11-25T09:00:00.000Z',
    actor: 'user:default/ana',
    action: 'promoted',
    promotion: 'dev.1',
    freight: 'ffffffffffff',
    outcome: 'Failed',
  },
];

async function openDevAudit() {
  await userEvent.click(
    await screen.findByRole('button', { name: 'Open Stage dev' }),
  );
  const drawer = await screen.findByRole('dialog', { name: 'Stage dev' });
  await userEvent.click(within(drawer).getByRole('tab', { name: 'Audit' }));
  return drawer;
}

describe("the Stage drawer's audit trail", () => {
  it('says who promoted, approved, rejected or froze what, when, newest first', async () => {
    const api = fakeKargoApi(pipeline());
    api.getStageAudit.mockResolvedValue({ items: trail });
    api.listFreight.mockResolvedValue({
      apiVersion: 'kargo.akuity.io/v1alpha1',
      kind: 'FreightList',
      metadata: {},
      items: [f0],
    });
    await renderKargoTab(api);
    const drawer = await openDevAudit();
    const table = await within(drawer).findByRole('table', {
      name: 'Audit trail',
    });
    expect(rowsOf(table)).toEqual([
      ['26 Nov 2026, 12:30 UTC', 'bob', 'froze this Stage: incident 42'],
      [
        '26 Nov 2026, 12:00 UTC',
        'ana',
        'promoted calm-fox (guestbook@1111111) — Succeeded',
      ],
      [
        '26 Nov 2026, 11:00 UTC',
        'carol',
        'approved Freight calm-fox (guestbook@1111111) for this Stage',
      ],
      [
        '26 Nov 2026, 10:00 UTC',
        'service:plugin:scaffolder',
        'rejected Freight quiet-elk (guestbook@0000000): CVE-2026-1',
      ],
      ['25 Nov 2026, 09:00 UTC', 'ana', 'promoted fffffff — Failed'],
    ]);
    // Users link to their catalog page; a service is named as it is.
    expect(within(table).getByRole('link', { name: 'bob' })).toHaveAttribute(
      'href',
      '/catalog/default/user/bob',
    );
    expect(within(table).getAllByRole('link')).toHaveLength(4);
    expect(api.getStageAudit).toHaveBeenCalledWith('kargo-demo', 'dev');
  });

  it('shows progress while it loads, then says when nobody decided anything yet', async () => {
    const api = fakeKargoApi(pipeline());
    let answer: (value: { items: StageAuditEntry[] }) => void = () => {};
    api.getStageAudit.mockReturnValue(
      new Promise(resolve => {
        answer = resolve;
      }),
    );
    await renderKargoTab(api);
    const drawer = await openDevAudit();
    expect(await within(drawer).findByRole('progressbar')).toBeInTheDocument();
    answer({ items: [] });
    expect(
      await within(drawer).findByText(
        'Nobody has promoted, approved, rejected or frozen anything for this Stage yet.',
      ),
    ).toBeVisible();
    expect(within(drawer).queryByRole('table')).toBeNull();
  });

  it("says why when the trail cannot be read, and still names Freight when the Freight list can't be", async () => {
    const api = fakeKargoApi(pipeline());
    api.getStageAudit.mockRejectedValue(
      await responseError(
        403,
        'NotAllowedError',
        'You may not read project kargo-demo',
      ),
    );
    await renderKargoTab(api);
    const drawer = await openDevAudit();
    expect(
      await within(drawer).findByText('You may not read project kargo-demo', {
        selector: 'p',
      }),
    ).toBeInTheDocument();

    api.getStageAudit.mockResolvedValue({ items: trail.slice(1, 2) });
    api.listFreight.mockRejectedValue(new Error('unavailable'));
    await userEvent.click(
      within(drawer).getByRole('button', { name: 'Close Stage dev' }),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    const again = await openDevAudit();
    const table = await within(again).findByRole('table', {
      name: 'Audit trail',
    });
    expect(rowsOf(table)[0][2]).toBe(
      'promoted calm-fox (guestbook@1111111) — Succeeded',
    );
  });
});
