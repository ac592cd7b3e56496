import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type {
  EntityPipelineResponse,
  KargoManifest,
} from '@kargo-backstage/plugin-kargo-common';
import { ResponseError } from '@backstage/errors';
import { screen, within } from '@testing-library/react';
import { KargoApi, kargoApiRef } from '../../api';
import { EntityKargoContent } from './EntityKargoContent';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'guestbook',
    namespace: 'default',
    annotations: { 'kargo.akuity.io/project': 'kargo-demo' },
  },
  spec: {},
};

const manifest = (
  kind: string,
  name: string,
  rest: Record<string, unknown>,
): KargoManifest =>
  ({
    apiVersion: 'kargo.akuity.io/v1alpha1',
    kind,
    metadata: { name, namespace: 'kargo-demo' },
    ...rest,
  } as KargoManifest);

const pipeline: EntityPipelineResponse = {
  entityRef: 'component:default/guestbook',
  projects: [
    {
      name: 'kargo-demo',
      warehouses: [
        manifest('Warehouse', 'guestbook', {
          spec: {
            interval: '5m0s',
            freightCreationPolicy: 'Automatic',
            subscriptions: [
              {
                git: {
                  repoURL: 'https://git.example.com/src.git',
                  branch: 'main',
                },
              },
            ],
          },
        }),
      ],
      stages: [
        manifest('Stage', 'dev', {
          spec: {
            requestedFreight: [
              {
                origin: { kind: 'Warehouse', name: 'guestbook' },
                sources: { direct: true },
              },
            ],
          },
          status: {
            health: { status: 'Healthy' },
            freightHistory: [
              { items: { 'Warehouse/guestbook': { name: 'abc123' } } },
            ],
            lastPromotion: { status: { phase: 'Succeeded' } },
          },
        }),
        manifest('Stage', 'prod', {
          spec: {
            requestedFreight: [
              {
                origin: { kind: 'Warehouse', name: 'guestbook' },
                sources: { stages: ['dev'] },
              },
            ],
          },
        }),
      ],
      freight: [
        manifest('Freight', 'abc123', {
          alias: 'calm-fox',
          commits: [
            { repoURL: 'https://git.example.com/src.git', id: '7c471ea2519b' },
          ],
        }),
      ],
      promotions: [],
    },
  ],
};

function fakeApi(getEntityPipeline: KargoApi['getEntityPipeline']) {
  return { getEntityPipeline } as KargoApi;
}

describe('EntityKargoContent', () => {
  it('shows each Stage with its sources, current Freight alias, health and last promotion', async () => {
    const api = fakeApi(jest.fn().mockResolvedValue(pipeline));
    await renderInTestApp(
      <EntityProvider entity={entity}>
        <EntityKargoContent />
      </EntityProvider>,
      { apis: [[kargoApiRef, api]] },
    );
    expect(
      await screen.findByText('Kargo project kargo-demo'),
    ).toBeInTheDocument();
    const stages = screen.getByRole('table', { name: 'Stages' });
    const dev = within(stages).getByText('dev').closest('tr')!;
    expect(
      within(dev).getByText('guestbook from Warehouse'),
    ).toBeInTheDocument();
    expect(within(dev).getByText('calm-fox (src@7c471ea)')).toBeInTheDocument();
    expect(within(dev).getByText('Healthy')).toBeInTheDocument();
    expect(within(dev).getByText('Succeeded')).toBeInTheDocument();
    const prod = within(stages).getByText('prod').closest('tr')!;
    expect(within(prod).getByText('guestbook from dev')).toBeInTheDocument();
    expect(within(prod).getByText('none yet')).toBeInTheDocument();
    expect(within(prod).getByText('never promoted')).toBeInTheDocument();
    const warehouses = screen.getByRole('table', { name: 'Warehouses' });
    expect(
      within(warehouses).getByText(
        'git https://git.example.com/src.git @ main',
      ),
    ).toBeInTheDocument();
    expect(api.getEntityPipeline).toHaveBeenCalledWith({
      kind: 'Component',
      namespace: 'default',
      name: 'guestbook',
    });
  });

  it('says so visibly when the project does not exist', async () => {
    const api = fakeApi(
      jest.fn().mockResolvedValue({
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
      }),
    );
    await renderInTestApp(
      <EntityProvider entity={entity}>
        <EntityKargoContent />
      </EntityProvider>,
      { apis: [[kargoApiRef, api]] },
    );
    expect(
      await screen.findByText(/Kargo project "kargo-demo" cannot be shown/),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Project "kargo-demo" not found'),
    ).toBeInTheDocument();
  });

  it('shows the backend error instead of an empty card', async () => {
    const response = new Response(
      JSON.stringify({
        error: {
          name: 'NotAllowedError',
          message: 'You are not allowed to do this (kargo.project.read)',
        },
        request: { method: 'GET', url: '/x' },
        response: { statusCode: 403 },
      }),
      {
        status: 403,
        statusText: 'Forbidden',
        headers: { 'Content-Type': 'application/json' },
      },
    );
    const error = await ResponseError.fromResponse(response as any);
    const api = fakeApi(jest.fn().mockRejectedValue(error));
    await renderInTestApp(
      <EntityProvider entity={entity}>
        <EntityKargoContent />
      </EntityProvider>,
      { apis: [[kargoApiRef, api]] },
    );
    expect(
      await screen.findByText(
        /You are not allowed to do this \(kargo.project.read\)/,
      ),
    ).toBeInTheDocument();
  });
});
