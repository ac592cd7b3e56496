import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { pipeline } from '../../__testUtils__/pipelineFixtures';
import {
  fakeKargoApi,
  renderKargoTab,
} from '../../__testUtils__/renderKargoTab';
import { responseError } from '../../__testUtils__/responseError';

/** Promote… on brave-owl's card, then dev: the dialog for f2 → dev. */
async function openPromoteDialog() {
  const promote = await screen.findByRole('button', {
    name: 'Promote brave-owl to a Stage',
  });
  await waitFor(() => expect(promote).toBeEnabled());
  await userEvent.click(promote);
  await userEvent.click(await screen.findByRole('menuitem', { name: 'dev' }));
  return screen.findByRole('dialog');
}

describe('PromoteDialog', () => {
  it('shows what changes, from → to with a compare link, and promotes on confirm', async () => {
    const api = fakeKargoApi(pipeline());
    await renderKargoTab(api);
    const dialog = await openPromoteDialog();
    expect(
      within(dialog).getByText('Promote brave-owl to dev'),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText(
        'dev runs calm-fox (guestbook@1111111) from guestbook now.',
      ),
    ).toBeInTheDocument();
    const changes = within(dialog).getByRole('table', { name: 'Changes' });
    const [, row] = within(changes).getAllByRole('row');
    expect(
      within(row)
        .getAllByRole('cell')
        .map(c => c.textContent),
    ).toEqual([
      'guestbook (commit)',
      '1111111',
      '2222222',
      'compare 1111111...2222222, Opens in a new window',
    ]);
    expect(within(row).getByRole('link')).toHaveAttribute(
      'href',
      'https://github.com/acme/guestbook/compare/1111111aaaaaaa...2222222bbbbbbb',
    );
    expect(api.promote).not.toHaveBeenCalled();

    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Promote' }),
    );
    expect(api.promote).toHaveBeenCalledWith('kargo-demo', 'dev', {
      freight: 'f2',
    });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(
      await screen.findByText('Promote brave-owl to dev: done'),
    ).toBeVisible();
  });

  it("keeps the dialog open with the server's reason when it refuses", async () => {
    const api = fakeKargoApi(pipeline());
    api.promote.mockRejectedValue(
      await responseError(
        409,
        'ConflictError',
        'Freight is not available to this Stage',
      ),
    );
    await renderKargoTab(api);
    const dialog = await openPromoteDialog();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Promote' }),
    );
    expect(
      await within(dialog).findAllByText(
        /Freight is not available to this Stage/,
      ),
    ).not.toHaveLength(0);
    expect(screen.getByRole('dialog')).toBeVisible();
  });

  it('closes without promoting on cancel', async () => {
    const api = fakeKargoApi(pipeline());
    await renderKargoTab(api);
    const dialog = await openPromoteDialog();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Cancel' }),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(api.promote).not.toHaveBeenCalled();
  });
});
