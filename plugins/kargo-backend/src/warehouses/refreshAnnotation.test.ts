import type { KargoManifest } from '@kargo-backstage/plugin-kargo-common';
import { warehousesToRefresh } from './refreshAnnotation';

const warehouse = (
  name: string,
  token?: string,
  handled?: string,
): KargoManifest => ({
  apiVersion: 'kargo.akuity.io/v1alpha1',
  kind: 'Warehouse',
  metadata: {
    name,
    namespace: 'demo',
    ...(token ? { annotations: { 'kargo.akuity.io/refresh': token } } : {}),
  },
  status: handled ? { lastHandledRefresh: handled } : {},
});

describe('warehousesToRefresh', () => {
  it('picks Warehouses whose refresh token is new, not handled ones or other kinds', () => {
    expect(
      warehousesToRefresh([
        { createdResourceManifest: warehouse('new', 'a') },
        { updatedResourceManifest: warehouse('again', 'b', 'a') },
        { updatedResourceManifest: warehouse('handled', 'a', 'a') },
        { updatedResourceManifest: warehouse('plain') },
        {
          updatedResourceManifest: {
            ...warehouse('stage', 'x'),
            kind: 'Stage',
          },
        },
      ]),
    ).toEqual([
      { project: 'demo', name: 'new' },
      { project: 'demo', name: 'again' },
    ]);
  });
});
