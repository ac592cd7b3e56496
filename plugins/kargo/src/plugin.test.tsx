import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen } from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
import { KargoClient } from '@kargo-backstage/plugin-kargo-common';
import { annotatedEntity, pipeline } from './__testUtils__/pipelineFixtures';
import { fakeKargoApi, renderWithKargo } from './__testUtils__/renderKargoTab';
import { kargoApiRef } from './api';
import { EntityKargoContent, isKargoAvailable, kargoPlugin } from './index';

describe('the classic frontend system plugin', () => {
  it('renders the Promotions tab as a routable extension', async () => {
    const api = fakeKargoApi(pipeline());
    // As an app's EntityPage mounts it: the element of a route.
    await renderWithKargo(
      <Routes>
        <Route
          path="/*"
          element={
            <EntityProvider entity={annotatedEntity}>
              <EntityKargoContent />
            </EntityProvider>
          }
        />
      </Routes>,
      api,
    );
    expect(
      await screen.findByText('Kargo project kargo-demo'),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('button', { name: 'Open Stage dev' }),
    ).toBeVisible();
  });

  it('provides the Kargo API and says which entities have the tab', () => {
    const factory = [...kargoPlugin.getApis()].find(
      f => f.api.id === kargoApiRef.id,
    );
    const client = factory!.factory({
      discoveryApi: { getBaseUrl: async () => 'http://localhost/api/kargo' },
      fetchApi: { fetch },
    });
    expect(client).toBeInstanceOf(KargoClient);
    expect(isKargoAvailable(annotatedEntity)).toBe(true);
    expect(
      isKargoAvailable({ ...annotatedEntity, metadata: { name: 'x' } }),
    ).toBe(false);
  });
});
