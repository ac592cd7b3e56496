import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type {
  KargoManifest,
  PromotionStepView,
} from '@kargo-backstage/plugin-kargo-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  f1,
  f2,
  manifest,
  pipeline,
  project,
  stage,
} from '../../__testUtils__/pipelineFixtures';
import {
  fakeKargoApi,
  PermissionDecider,
  renderKargoTab,
} from '../../__testUtils__/renderKargoTab';
import { responseError } from '../../__testUtils__/responseError';
import {
  freightForProd,
  renderInPromoteModeForProd,
} from '../../__testUtils__/promoteMode';

const button = (name: string) => screen.getByRole('button', { name });

/** Denies one permission by name, allows the rest. */
const denying =
  (name: string): PermissionDecider =>
  request =>
    request.permission.name === name
      ? AuthorizeResult.DENY
      : AuthorizeResult.ALLOW;

/** The fixture project with prod's status replaced by `prodStatus`. */
function withProd(
  prodStatus: Record<string, unknown>,
  more: { stages?: KargoManifest[]; promotions?: KargoManifest[] } = {},
) {
  const base = project();
  return pipeline({
    stages: [
      ...(more.stages ?? base.stages.slice(0, 2)),
      stage('prod', { stages: ['staging'] }, prodStatus),
    ],
    promotions: more.promotions ?? [],
  });
}

async function typeInDialog(dialogName: string, text: string) {
  const dialog = await screen.findByRole('dialog', { name: dialogName });
  await userEvent.type(within(dialog).getByRole('textbox'), text);
  return dialog;
}

describe('a Promotion waiting for approval', () => {
  const waiting = manifest('Promotion', 'prod.1', {
    spec: {
      stage: 'prod',
      freight: 'f1',
      steps: [{ uses: 'wait-for-approval', as: 'cab' }, { uses: 'git-push' }],
    },
    status: {
      phase: 'Running',
      currentStep: 0,
      stepExecutionMetadata: [{ alias: 'cab', status: 'Running' }],
    },
  });
  const steps: PromotionStepView[] = [
    {
      index: 0,
      alias: 'cab',
      uses: 'wait-for-approval',
      status: 'Running',
      errorCount: 0,
      logs: [],
      output: {
        minApprovals: 2,
        approvers: {
          users: ['user:default/alice'],
          groups: ['group:default/release'],
          owners: true,
        },
        forbidRequester: true,
        requestedBy: 'user:default/guest',
        approvedBy: ['user:default/bob'],
      },
    },
  ];

  function approvalApi() {
    const api = fakeKargoApi(
      withProd(
        { currentPromotion: { name: 'prod.1' } },
        { promotions: [waiting] },
      ),
    );
    api.getPromotionSteps.mockResolvedValue({ items: steps });
    return api;
  }

  it('shows who asked, who may approve, who has, and N of M', async () => {
    await renderKargoTab(approvalApi());
    const approval = await screen.findByRole('region', {
      name: 'Approval of prod.1',
    });
    expect(
      await within(approval).findByText(
        'Waiting for approval: 1 of 2, asked by user:default/guest',
      ),
    ).toBeVisible();
    expect(
      within(approval).getByText(
        'May approve: users user:default/alice; groups group:default/release; owners of linked components (not the requester)',
      ),
    ).toBeVisible();
    expect(
      within(approval).getByText('Approved by: user:default/bob'),
    ).toBeVisible();
  });

  it('approves with an optional comment and rejects with a required reason', async () => {
    const api = approvalApi();
    await renderKargoTab(api);
    await waitFor(() => expect(button('Approve prod.1')).toBeEnabled());

    await userEvent.click(button('Approve prod.1'));
    const approve = await typeInDialog('Approve prod.1', 'looks good');
    await userEvent.click(
      within(approve).getByRole('button', { name: 'Approve' }),
    );
    await waitFor(() =>
      expect(api.approvePromotion).toHaveBeenCalledWith(
        'kargo-demo',
        'prod.1',
        { comment: 'looks good' },
      ),
    );

    await waitFor(() => expect(button('Reject prod.1')).toBeEnabled());
    await userEvent.click(button('Reject prod.1'));
    const reject = await screen.findByRole('dialog', { name: 'Reject prod.1' });
    expect(
      within(reject).getByRole('button', { name: 'Reject' }),
    ).toBeDisabled();
    await userEvent.type(within(reject).getByRole('textbox'), 'not today');
    await userEvent.click(
      within(reject).getByRole('button', { name: 'Reject' }),
    );
    await waitFor(() =>
      expect(api.rejectPromotion).toHaveBeenCalledWith(
        'kargo-demo',
        'prod.1',
        'not today',
      ),
    );
  });

  it("shows the server's refusal of a review", async () => {
    const api = approvalApi();
    api.approvePromotion.mockRejectedValue(
      await responseError(
        403,
        'NotAllowedError',
        'user:default/guest requested this Promotion and may not review it',
      ),
    );
    await renderKargoTab(api);
    await waitFor(() => expect(button('Approve prod.1')).toBeEnabled());
    await userEvent.click(button('Approve prod.1'));
    const dialog = await screen.findByRole('dialog', {
      name: 'Approve prod.1',
    });
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Approve' }),
    );
    expect(
      await screen.findByText(
        'Approve prod.1 failed: user:default/guest requested this Promotion and may not review it',
      ),
    ).toBeVisible();
    expect(api.approvePromotion).toHaveBeenCalledWith(
      'kargo-demo',
      'prod.1',
      {},
    );
  });

  it('is shown in the Stage drawer too', async () => {
    await renderKargoTab(approvalApi());
    await userEvent.click(
      await screen.findByRole('button', { name: 'Open Stage prod' }),
    );
    const drawer = await screen.findByRole('dialog', { name: 'Stage prod' });
    const approval = await within(drawer).findByRole('region', {
      name: 'Approval of prod.1',
    });
    expect(
      await within(approval).findByText(/Waiting for approval: 1 of 2/),
    ).toBeVisible();
    expect(
      within(approval).getByRole('button', { name: 'Approve prod.1' }),
    ).toBeInTheDocument();
  });

  it('is shown on the Stage card of the graph with its buttons', async () => {
    const api = approvalApi();
    await renderKargoTab(api);
    await screen.findByText('Kargo project kargo-demo');
    await userEvent.click(button('Graph'));
    const prod = await screen.findByRole('group', { name: 'Stage prod' });
    expect(
      await within(prod).findByText(
        'Waiting for approval: 1 of 2, asked by user:default/guest',
      ),
    ).toBeInTheDocument();
    const approve = within(prod).getByRole('button', {
      name: 'Approve prod.1',
    });
    await waitFor(() => expect(approve).toBeEnabled());
  });

  it('cannot be reviewed without kargo.promotion.review', async () => {
    const api = approvalApi();
    await renderKargoTab(api, {
      permission: denying('kargo.promotion.review'),
    });
    await waitFor(() => expect(button('Approve prod.1')).toBeDisabled());
    expect(button('Reject prod.1')).toBeDisabled();
    await userEvent.hover(button('Approve prod.1').parentElement!);
    expect(
      await screen.findByText(
        'You lack the kargo.promotion.review permission on Stage prod',
      ),
    ).toBeInTheDocument();
  });
});

describe('freezes', () => {
  const stageFreeze = {
    reason: 'incident 42',
    actor: 'user:default/ana',
    createdAt: '2026-11-26T10:00:00Z',
    stage: 'prod',
  };

  it('marks a frozen Stage and unfreezes it from the Stage menu', async () => {
    const api = fakeKargoApi(withProd({ freeze: stageFreeze }));
    await renderKargoTab(api);
    expect(
      await screen.findByText(
        /^Frozen by user:default\/ana since 26 Nov 2026, 10:00 UTC: incident 42$/,
      ),
    ).toBeVisible();
    await userEvent.click(button('More actions for prod'));
    const unfreeze = await screen.findByRole('menuitem', {
      name: /Unfreeze prod/,
    });
    await waitFor(() =>
      expect(unfreeze).not.toHaveAttribute('aria-disabled', 'true'),
    );
    await userEvent.click(unfreeze);
    await waitFor(() =>
      expect(api.unfreeze).toHaveBeenCalledWith('kargo-demo', {
        stage: 'prod',
      }),
    );
  });

  it("offers to unfreeze a Stage's own freeze while the whole project is frozen too", async () => {
    const { stage: _stage, ...projectFreeze } = stageFreeze;
    const api = fakeKargoApi(
      withProd({
        freeze: { ...projectFreeze, reason: 'end of year' },
        freezes: [{ ...projectFreeze, reason: 'end of year' }, stageFreeze],
      }),
    );
    await renderKargoTab(api);
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'More actions for prod',
      }),
    );
    expect(
      await screen.findByRole('menuitem', { name: /Unfreeze prod/ }),
    ).toBeInTheDocument();
  });

  it('marks a frozen Stage on its graph card', async () => {
    await renderKargoTab(fakeKargoApi(withProd({ freeze: stageFreeze })));
    await screen.findByText('Kargo project kargo-demo');
    await userEvent.click(button('Graph'));
    const prod = await screen.findByRole('group', { name: 'Stage prod' });
    expect(within(prod).getByText(/: incident 42$/)).toBeInTheDocument();
  });

  it('freezes a Stage with a reason from its menu', async () => {
    const api = fakeKargoApi(pipeline());
    await renderKargoTab(api);
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'More actions for dev',
      }),
    );
    const freeze = await screen.findByRole('menuitem', { name: /Freeze dev/ });
    await waitFor(() =>
      expect(freeze).not.toHaveAttribute('aria-disabled', 'true'),
    );
    await userEvent.click(freeze);
    const dialog = await typeInDialog('Freeze dev', 'bad deploy');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Freeze' }),
    );
    await waitFor(() =>
      expect(api.freeze).toHaveBeenCalledWith('kargo-demo', {
        stage: 'dev',
        reason: 'bad deploy',
      }),
    );
  });

  it('freezes the project with a reason', async () => {
    const api = fakeKargoApi(pipeline());
    await renderKargoTab(api);
    const freeze = await screen.findByRole('button', {
      name: 'Freeze project kargo-demo',
    });
    await waitFor(() => expect(freeze).toBeEnabled());
    await userEvent.click(freeze);
    const dialog = await typeInDialog('Freeze project kargo-demo', 'release');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Freeze' }),
    );
    await waitFor(() =>
      expect(api.freeze).toHaveBeenCalledWith('kargo-demo', {
        reason: 'release',
      }),
    );
  });

  it('shows a frozen project in a banner and unfreezes it', async () => {
    const { stage: _stage, ...projectFreeze } = stageFreeze;
    const api = fakeKargoApi(withProd({ freeze: projectFreeze }));
    await renderKargoTab(api);
    const banner = await screen.findByRole('status');
    expect(banner).toHaveTextContent(
      'Project frozen by user:default/ana since 26 Nov 2026, 10:00 UTC: incident 42',
    );
    const unfreeze = within(banner).getByRole('button', {
      name: 'Unfreeze project kargo-demo',
    });
    await waitFor(() => expect(unfreeze).toBeEnabled());
    await userEvent.click(unfreeze);
    await waitFor(() =>
      expect(api.unfreeze).toHaveBeenCalledWith('kargo-demo'),
    );
  });

  it('cannot be changed without kargo.freeze.manage', async () => {
    const api = fakeKargoApi(pipeline());
    await renderKargoTab(api, { permission: denying('kargo.freeze.manage') });
    await waitFor(() =>
      expect(button('Freeze project kargo-demo')).toBeDisabled(),
    );
    await userEvent.click(button('More actions for dev'));
    const freeze = await screen.findByRole('menuitem', { name: /Freeze dev/ });
    await waitFor(() =>
      expect(freeze).toHaveAttribute('aria-disabled', 'true'),
    );
    expect(freeze).toHaveTextContent(
      'You lack the kargo.freeze.manage permission',
    );
  });
});

describe('promotion windows', () => {
  it('says when a closed Stage opens, and warns before one closes', async () => {
    const api = fakeKargoApi(
      withProd(
        {
          promotionWindowStatus: {
            closed: true,
            reason: 'weekend',
            nextOpen: '2026-11-30T05:00:00Z',
          },
        },
        {
          stages: [
            project().stages[0],
            stage(
              'staging',
              { stages: ['dev'] },
              {
                promotionWindowStatus: {
                  closed: false,
                  nextClose: '2026-11-27T17:00:00Z',
                  nextCloseReason: 'weekend',
                },
              },
            ),
          ],
        },
      ),
    );
    await renderKargoTab(api);
    expect(
      await screen.findByText(
        'Promotions closed: weekend, opens 30 Nov 2026, 05:00 UTC',
      ),
    ).toBeVisible();
    expect(
      screen.getByText(/Promotions close 27 Nov 2026, 17:00 UTC: weekend/),
    ).toBeVisible();
  });
});

describe('rejected Freight', () => {
  const rejectedF2 = {
    ...f2,
    status: {
      rejectedFor: {
        prod: {
          rejectedBy: 'user:default/ana',
          rejectedAt: '2026-11-26T09:00:00Z',
          reason: 'CVE-2026-1',
        },
      },
    },
  } as KargoManifest;
  const forProd = freightForProd(
    [f1],
    [
      {
        name: 'f2',
        alias: 'brave-owl',
        origin: 'guestbook',
        reason: 'rejected for prod: CVE-2026-1',
      },
    ],
  );

  const enterPromoteMode = (permission?: PermissionDecider) =>
    renderInPromoteModeForProd(
      fakeKargoApi(pipeline({ freight: [f1, rejectedF2] })),
      forProd,
      [rejectedF2, f1],
      { permission },
    );

  it('rejects Freight for the Stage with a reason', async () => {
    const api = await enterPromoteMode();
    const reject = button('Reject calm-fox for prod');
    await waitFor(() => expect(reject).toBeEnabled());
    await userEvent.click(reject);
    const dialog = await typeInDialog('Reject calm-fox for prod', 'CVE');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Reject' }),
    );
    await waitFor(() =>
      expect(api.rejectFreight).toHaveBeenCalledWith('kargo-demo', 'f1', {
        stage: 'prod',
        reason: 'CVE',
      }),
    );
  });

  it('marks rejected Freight with the reason and lifts the rejection', async () => {
    const api = await enterPromoteMode();
    const note = screen.getByRole('note', { name: 'Rejections of brave-owl' });
    expect(note).toHaveTextContent(
      'Rejected for prod by user:default/ana on 26 Nov 2026, 09:00 UTC: CVE-2026-1',
    );
    // Already rejected for prod: nothing to reject again.
    expect(
      screen.queryByRole('button', { name: 'Reject brave-owl for prod' }),
    ).toBeNull();
    const lift = within(note).getByRole('button', {
      name: 'Lift rejection of brave-owl for prod',
    });
    await waitFor(() => expect(lift).toBeEnabled());
    await userEvent.click(lift);
    await waitFor(() =>
      expect(api.unrejectFreight).toHaveBeenCalledWith('kargo-demo', 'f2', {
        stage: 'prod',
      }),
    );
  });

  it('cannot be rejected without kargo.freight.approve on the Stage', async () => {
    await enterPromoteMode(denying('kargo.freight.approve'));
    await waitFor(() =>
      expect(button('Reject calm-fox for prod')).toBeDisabled(),
    );
    expect(button('Lift rejection of brave-owl for prod')).toBeDisabled();
  });
});
