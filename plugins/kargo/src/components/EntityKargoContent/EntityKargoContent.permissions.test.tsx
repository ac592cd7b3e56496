import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { pipeline } from '../../__testUtils__/pipelineFixtures';
import {
  fakeKargoApi,
  renderKargoTab,
} from '../../__testUtils__/renderKargoTab';

const button = (name: string) => screen.getByRole('button', { name });

describe('EntityKargoContent and permissions', () => {
  it('disables the buttons of a user without permission, saying why', async () => {
    const api = fakeKargoApi(pipeline());
    await renderKargoTab(api, { permission: 'deny' });
    await waitFor(() => expect(button('Promote to dev')).toBeDisabled());
    await userEvent.hover(button('Promote to dev').parentElement!);
    expect(
      await screen.findByText(
        'You lack the kargo.stage.promote permission on Stage dev',
      ),
    ).toBeInTheDocument();
    expect(button('Refresh Warehouse guestbook')).toBeDisabled();

    await userEvent.click(button('Promote brave-owl to a Stage'));
    const dev = await screen.findByRole('menuitem', { name: /^dev/ });
    await waitFor(() => expect(dev).toHaveAttribute('aria-disabled', 'true'));
    expect(dev).toHaveTextContent(
      'You lack the kargo.stage.promote permission on Stage dev',
    );
  });

  it('decides Stage actions per Stage', async () => {
    const api = fakeKargoApi(pipeline());
    // Everything is allowed except promoting into prod.
    await renderKargoTab(api, {
      permission: request =>
        'resourceRef' in request && request.resourceRef === 'kargo-demo:prod'
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
    });
    await waitFor(() => expect(button('Promote to dev')).toBeEnabled());
    await waitFor(() => expect(button('Promote to prod')).toBeDisabled());
    expect(button('Refresh Warehouse guestbook')).toBeEnabled();

    // staging's Freight goes downstream into prod only: not allowed.
    await userEvent.click(button('More actions for staging'));
    const downstream = await screen.findByRole('menuitem', {
      name: /downstream \(prod\)/,
    });
    await waitFor(() =>
      expect(
        within(downstream).getByText(
          'You lack the kargo.stage.promote permission on Stage prod',
        ),
      ).toBeInTheDocument(),
    );
    expect(downstream).toHaveAttribute('aria-disabled', 'true');
    await userEvent.keyboard('{Escape}');

    // dev's goes into staging: allowed, and it asks the server.
    await userEvent.click(button('More actions for dev'));
    const devDownstream = await screen.findByRole('menuitem', {
      name: /downstream \(staging\)/,
    });
    await waitFor(() =>
      expect(devDownstream).not.toHaveAttribute('aria-disabled', 'true'),
    );
    await userEvent.click(devDownstream);
    expect(api.promoteDownstream).toHaveBeenCalledWith('kargo-demo', 'dev', {
      freight: 'f1',
    });
  });
});
