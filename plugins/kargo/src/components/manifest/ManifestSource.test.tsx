import type { ManifestSourceStatus } from '@kargo-backstage/plugin-kargo-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { pipeline } from '../../__testUtils__/pipelineFixtures';
import {
  fakeKargoApi,
  renderKargoTab,
} from '../../__testUtils__/renderKargoTab';
import { responseError } from '../../__testUtils__/responseError';

const LOCATION =
  'url:https://git.example.com/acme/guestbook/blob/main/kargo.yaml';

const minutesAgo = (minutes: number) =>
  new Date(Date.now() - minutes * 60_000 - 5_000).toISOString();

function renderWithSource(manifestSource?: ManifestSourceStatus) {
  return renderKargoTab(fakeKargoApi({ ...pipeline(), manifestSource }));
}

const source = () => screen.findByRole('region', { name: 'Pipeline source' });

describe('the pipeline source on the Promotions tab', () => {
  it('says where the pipeline comes from and how many manifests were applied when', async () => {
    await renderWithSource({
      location: LOCATION,
      lastAttemptAt: minutesAgo(3),
      lastAppliedAt: minutesAgo(3),
      appliedCount: 4,
    });
    const section = await source();
    expect(section).toHaveTextContent(
      'Pipeline from https://git.example.com/acme/guestbook/blob/main/kargo.yaml, Opens in a new window — applied 4 manifests 3 minutes ago',
    );
    expect(within(section).getByRole('link')).toHaveAttribute(
      'href',
      'https://git.example.com/acme/guestbook/blob/main/kargo.yaml',
    );
    expect(within(section).queryByText(/could not be applied/)).toBeNull();
    // The pipeline itself as usual.
    expect(screen.getByText('Kargo project kargo-demo')).toBeInTheDocument();
  });

  it('shows why the last apply failed, naming the manifest, and when it was tried', async () => {
    const error =
      'Invalid manifests: document 2 (Stage kargo-demo/qa): spec.requestedFreight[0].sources: at least one of direct or stages is required';
    await renderWithSource({
      location: LOCATION,
      lastAttemptAt: minutesAgo(2),
      lastAppliedAt: minutesAgo(90),
      appliedCount: 1,
      error,
    });
    const section = await source();
    expect(section).toHaveTextContent('applied 1 manifest 1 hour ago');
    expect(
      within(section).getByText(
        "Error: The pipeline's manifests could not be applied",
      ),
    ).toBeVisible();
    expect(within(section).getByText(error)).toBeVisible();
    expect(section).toHaveTextContent(
      /Last tried 2 minutes ago \(\d+ \w+ \d{4}, \d\d:\d\d UTC\)\. The pipeline shown is the one last applied\./,
    );
    expect(screen.getByText('Kargo project kargo-demo')).toBeInTheDocument();
  });

  it('says so when nothing could be applied yet', async () => {
    await renderWithSource({
      location: 'url:https://git.example.com/acme/guestbook/kargo.yaml',
      lastAttemptAt: minutesAgo(0),
      error: 'GET https://git.example.com/acme/guestbook/kargo.yaml: 404',
    });
    const section = await source();
    expect(section).toHaveTextContent(
      'Pipeline from https://git.example.com/acme/guestbook/kargo.yaml, Opens in a new window — not applied yet',
    );
    expect(section).toHaveTextContent(
      /Last tried just now .*Nothing has been applied from it yet\./,
    );
  });

  it('shows nothing of the kind for an entity without manifests', async () => {
    await renderWithSource(undefined);
    await screen.findByText('Kargo project kargo-demo');
    expect(
      screen.queryByRole('region', { name: 'Pipeline source' }),
    ).toBeNull();
  });
});

describe('"Sync now"', () => {
  const status = {
    location: LOCATION,
    lastAttemptAt: minutesAgo(30),
    lastAppliedAt: minutesAgo(30),
    appliedCount: 4,
  };

  it('syncs the entity now, then shows how it went', async () => {
    const api = fakeKargoApi({ ...pipeline(), manifestSource: status });
    await renderKargoTab(api);
    const section = await source();
    api.getEntityPipeline.mockResolvedValue({
      ...pipeline(),
      manifestSource: {
        ...status,
        lastAttemptAt: minutesAgo(0),
        error: 'document 1 (Stage kargo-demo/qa): spec.shard: must be a string',
      },
    });
    await userEvent.click(
      await within(section).findByRole('button', { name: 'Sync now' }),
    );
    expect(api.syncManifestSource).toHaveBeenCalledWith({
      kind: 'Component',
      namespace: 'default',
      name: 'guestbook',
    });
    expect(
      await within(section).findByText(
        'document 1 (Stage kargo-demo/qa): spec.shard: must be a string',
      ),
    ).toBeVisible();
    expect(api.getEntityPipeline).toHaveBeenCalledTimes(2);
  });

  it('says why the sync was refused', async () => {
    const api = fakeKargoApi({ ...pipeline(), manifestSource: status });
    api.syncManifestSource.mockRejectedValue(
      await responseError(
        404,
        'NotFoundError',
        'Manifest sources are turned off (kargo.manifestSources.enabled)',
      ),
    );
    await renderKargoTab(api);
    const section = await source();
    await userEvent.click(
      await within(section).findByRole('button', { name: 'Sync now' }),
    );
    expect(await within(section).findByRole('alert')).toHaveTextContent(
      'Sync failed: Manifest sources are turned off (kargo.manifestSources.enabled)',
    );
  });

  it('is disabled, with the reason, for those who may not apply manifests', async () => {
    const api = fakeKargoApi({ ...pipeline(), manifestSource: status });
    await renderKargoTab(api, { permission: 'deny' });
    const section = await source();
    const button = await within(section).findByRole('button', {
      name: 'Sync now',
    });
    await waitFor(() => expect(button).toBeDisabled());
    await userEvent.hover(button.parentElement!);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'You lack the kargo.resource.manage permission',
    );
    expect(api.syncManifestSource).not.toHaveBeenCalled();
  });
});
