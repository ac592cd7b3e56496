import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  annotatedEntity,
  pipeline,
  project,
  runningPromotion,
  stage,
} from '../../__testUtils__/pipelineFixtures';
import {
  fakeKargoApi,
  renderKargoTab,
} from '../../__testUtils__/renderKargoTab';
import { responseError } from '../../__testUtils__/responseError';

/** The text of each cell of a table's body rows, as the e2e test reads it. */
function tableRows(name: string): string[][] {
  const table = screen.getByRole('table', { name });
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map(row =>
      within(row)
        .getAllByRole('cell')
        .map(cell => cell.textContent?.trim() ?? ''),
    );
}

const forbidden = (message: string) =>
  responseError(403, 'NotAllowedError', message);

describe('EntityKargoContent', () => {
  it('shows progress while the pipeline loads', async () => {
    const api = fakeKargoApi();
    api.getEntityPipeline.mockReturnValue(new Promise(() => {}));
    await renderKargoTab(api);
    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
    expect(screen.queryByText(/Kargo project/)).not.toBeInTheDocument();
  });

  it('names the missing annotation for an entity without a project', async () => {
    const api = fakeKargoApi(pipeline());
    await renderKargoTab(api, {
      entity: {
        ...annotatedEntity,
        metadata: { name: 'guestbook', namespace: 'default' },
      },
    });
    expect(await screen.findByText('Missing Annotation')).toBeInTheDocument();
    expect(
      screen.getByText('kargo.akuity.io/project', { selector: 'code' }),
    ).toBeInTheDocument();
    expect(api.getEntityPipeline).not.toHaveBeenCalled();
  });

  it('says so when the project has no Stages', async () => {
    const api = fakeKargoApi(pipeline({ stages: [], freight: [] }));
    await renderKargoTab(api);
    expect(
      await screen.findByText('This project has no Stages.'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('table', { name: 'Stages' })).toBeNull();
  });

  it('shows each Stage in pipeline order with its facts, as the e2e test reads them', async () => {
    const api = fakeKargoApi(pipeline());
    await renderKargoTab(api);
    expect(
      await screen.findByText('Kargo project kargo-demo'),
    ).toBeInTheDocument();
    const rows = tableRows('Stages');
    expect(rows.map(r => r.slice(0, 5))).toEqual([
      [
        'dev',
        'guestbook from Warehouse',
        'calm-fox (guestbook@1111111)',
        'Healthy',
        'Succeeded',
      ],
      [
        'staging',
        'guestbook from dev',
        'calm-fox (guestbook@1111111)',
        'Healthy',
        'never promoted',
      ],
      [
        'prod',
        'guestbook from staging',
        'none yet',
        'Unknown',
        'never promoted',
      ],
    ]);
    expect(rows[0][5]).toBe('verification Successful');
    expect(rows[0][6]).toBe('auto-promotion on');
    expect(rows[2][6]).toBe('manual promotion');
    expect(tableRows('Warehouses')[0]).toEqual([
      'guestbook',
      'git https://github.com/acme/guestbook.git @ main',
      '5m0s',
      'Automatic',
      'brave-owl (guestbook@2222222)',
    ]);
    expect(api.getEntityPipeline).toHaveBeenCalledWith({
      kind: 'Component',
      namespace: 'default',
      name: 'guestbook',
    });
  });

  it("shows a running Promotion's current step on its Stage and in the Promotions list", async () => {
    const promotion = runningPromotion('dev.2', 'dev', 1);
    const base = project();
    const [dev, ...rest] = base.stages;
    const api = fakeKargoApi(
      pipeline({
        stages: [
          {
            ...dev,
            status: { ...dev.status, currentPromotion: { name: 'dev.2' } },
          },
          ...rest,
        ],
        promotions: [promotion],
      }),
    );
    await renderKargoTab(api);
    await screen.findByText('Kargo project kargo-demo');
    const dev2 = tableRows('Stages')[0];
    expect(dev2[7]).toBe('Running step 2/3: commit (git-commit)');
    const [row] = tableRows('Promotions');
    expect(row.slice(0, 6)).toEqual([
      'dev.2',
      'dev',
      'brave-owl (guestbook@2222222)',
      'Running',
      '2/3: commit',
      'user:default/guest',
    ]);
    await userEvent.click(
      within(screen.getByRole('table', { name: 'Promotions' })).getByRole(
        'button',
        { name: 'Abort' },
      ),
    );
    expect(api.abortPromotion).toHaveBeenCalledWith('kargo-demo', 'dev.2');
    expect(await screen.findByText('Abort dev.2: done')).toBeInTheDocument();
  });

  it('says visibly when the project does not exist', async () => {
    const api = fakeKargoApi({
      entityRef: 'component:default/guestbook',
      projects: [
        {
          name: 'kargo-demo',
          error: {
            name: 'NotFoundError',
            message: 'Project "kargo-demo" not found',
          },
          warehouses: [],
          stages: [],
          freight: [],
          promotions: [],
        },
      ],
    });
    await renderKargoTab(api);
    expect(
      await screen.findByText(/Kargo project "kargo-demo" cannot be shown/),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Project "kargo-demo" not found'),
    ).toBeInTheDocument();
  });

  it('shows the backend error instead of an empty card', async () => {
    const api = fakeKargoApi();
    api.getEntityPipeline.mockRejectedValue(
      await forbidden('You are not allowed to do this (kargo.project.read)'),
    );
    await renderKargoTab(api);
    expect(
      await screen.findByText(
        'You are not allowed to do this (kargo.project.read)',
        { selector: 'p' },
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Kargo project kargo-demo/)).toBeNull();
  });

  it('enables the buttons for a user with permission', async () => {
    const api = fakeKargoApi(pipeline());
    await renderKargoTab(api);
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: 'Promote to dev' }),
      ).toBeEnabled(),
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Refresh Warehouse guestbook' }),
    );
    expect(api.refreshWarehouse).toHaveBeenCalledWith(
      'kargo-demo',
      'guestbook',
    );
    expect(await screen.findByText('Refresh guestbook: done')).toBeVisible();
    // The pipeline loads again to show what the action changed.
    await waitFor(() => expect(api.getEntityPipeline).toHaveBeenCalledTimes(2));
  });

  it("shows the server's refusal of an action", async () => {
    const api = fakeKargoApi(pipeline());
    api.reverifyStage.mockRejectedValue(
      await forbidden('You are not allowed to do this (kargo.stage.promote)'),
    );
    await renderKargoTab(api);
    await userEvent.click(
      await screen.findByRole('button', { name: 'More actions for dev' }),
    );
    await userEvent.click(
      await screen.findByRole('menuitem', { name: /Re-verify/ }),
    );
    expect(
      await screen.findByText(
        'Re-verify dev failed: You are not allowed to do this (kargo.stage.promote)',
      ),
    ).toBeVisible();
  });

  it('filters Stages by name', async () => {
    const api = fakeKargoApi(pipeline());
    await renderKargoTab(api);
    await screen.findByText('Kargo project kargo-demo');
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Search Stages' }),
      'STAG',
    );
    await waitFor(() =>
      expect(tableRows('Stages').map(r => r[0])).toEqual(['staging']),
    );
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Search Stages' }),
      'x',
    );
    expect(
      await screen.findByText('No Stage matches "STAGx".'),
    ).toBeInTheDocument();
  });

  it('draws the pipeline as a graph: Warehouse, then Stages with their facts', async () => {
    const api = fakeKargoApi(
      pipeline({
        stages: [
          stage('dev', { direct: true }, { health: { status: 'Healthy' } }),
          stage('prod', { stages: ['dev'] }),
        ],
      }),
    );
    await renderKargoTab(api);
    await screen.findByText('Kargo project kargo-demo');
    await userEvent.click(screen.getByRole('button', { name: 'Graph' }));
    const dev = await screen.findByRole('group', { name: 'Stage dev' });
    expect(within(dev).getByText('Healthy')).toBeInTheDocument();
    expect(within(dev).getByText('no Freight yet')).toBeInTheDocument();
    expect(screen.getByRole('group', { name: 'Stage prod' })).toBeVisible();
    expect(
      screen.getByRole('group', { name: 'Warehouse guestbook' }),
    ).toBeVisible();
    expect(screen.queryByRole('table', { name: 'Stages' })).toBeNull();
  });
});
