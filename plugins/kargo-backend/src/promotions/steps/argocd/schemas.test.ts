import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import { ArgoCDConnector } from '../../../argocd';
import { StepRegistry } from '../../StepRegistry';
import { createArgoCDSteps } from '.';

const registry = new StepRegistry(
  createArgoCDSteps({
    connector: ArgoCDConnector.fromConfig(new ConfigReader({})),
    store: { getResource: async () => undefined },
  }),
);

describe('argocd-update and argocd-wait config schemas', () => {
  // Configs from Kargo's step docs, as they look once ${{ }} is evaluated.
  it.each<[string, JsonObject]>([
    ['argocd-update (a hard refresh and sync)', { apps: [{ name: 'my-app' }] }],
    [
      'argocd-update (source updates)',
      {
        apps: [
          {
            name: 'my-app',
            namespace: 'argocd',
            sources: [
              {
                repoURL: 'https://github.com/example/repo.git',
                desiredRevision: 'abc',
              },
              {
                repoURL: 'https://charts.example.com',
                chart: 'my-chart',
                desiredRevision: '1.2.3',
                updateTargetRevision: true,
                helm: { images: [{ key: 'image.tag', value: 'v1' }] },
              },
              {
                repoURL: 'https://github.com/example/repo.git',
                kustomize: {
                  images: [
                    { repoURL: 'my/image', tag: 'v1' },
                    {
                      repoURL: 'my/image2',
                      digest: 'sha256:abc',
                      newName: 'x/y',
                    },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
    [
      'argocd-update (a selector)',
      {
        apps: [
          {
            selector: {
              matchLabels: { team: 'platform' },
              matchExpressions: [
                { key: 'environment', operator: 'In', values: ['staging'] },
              ],
            },
          },
        ],
      },
    ],
    [
      'argocd-wait (waitFor)',
      { apps: [{ name: 'my-app', waitFor: ['operation'] }] },
    ],
    [
      'argocd-wait (a selector)',
      { apps: [{ selector: { matchLabels: { environment: 'staging' } } }] },
    ],
  ])('accepts a documented %s config', (what, config) => {
    const step = what.split(' ')[0];
    expect(registry.validate(step, config)).toEqual([]);
  });

  it.each<[string, string, JsonObject]>([
    ['argocd-update', 'no apps', { apps: [] }],
    [
      'argocd-update',
      'both name and selector',
      { apps: [{ name: 'a', selector: { matchLabels: { a: 'b' } } }] },
    ],
    [
      'argocd-update',
      'neither name nor selector',
      { apps: [{ namespace: 'argocd' }] },
    ],
    [
      'argocd-update',
      'an empty selector',
      { apps: [{ selector: { matchLabels: {} } }] },
    ],
    [
      'argocd-update',
      'updateTargetRevision without desiredRevision',
      {
        apps: [
          {
            name: 'a',
            sources: [{ repoURL: 'r', updateTargetRevision: true }],
          },
        ],
      },
    ],
    [
      'argocd-update',
      'an image with both tag and digest',
      {
        apps: [
          {
            name: 'a',
            sources: [
              {
                repoURL: 'r',
                kustomize: {
                  images: [{ repoURL: 'i', tag: 't', digest: 'd' }],
                },
              },
            ],
          },
        ],
      },
    ],
    [
      'argocd-update',
      'an unknown field',
      { apps: [{ name: 'a', syncOptions: [] }] },
    ],
    [
      'argocd-wait',
      'an unknown waitFor value',
      { apps: [{ name: 'a', waitFor: ['healthy'] }] },
    ],
  ])('%s refuses %s', (step, _, config) => {
    expect(registry.validate(step, config)).not.toEqual([]);
  });
});
