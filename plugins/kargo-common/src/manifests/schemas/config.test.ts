import { validateManifest } from '../validateManifest';

const API = 'kargo.akuity.io/v1alpha1';

const projectConfig = (
  spec: Record<string, unknown>,
  metadata = { name: 'demo', namespace: 'demo' },
) => ({
  apiVersion: API,
  kind: 'ProjectConfig',
  metadata,
  spec,
});

const clusterConfig = (spec: Record<string, unknown>, name = 'cluster') => ({
  apiVersion: API,
  kind: 'ClusterConfig',
  metadata: { name },
  spec,
});

const issuesOf = (doc: unknown) => {
  const result = validateManifest(doc);
  if (result.ok) throw new Error('expected the manifest to be rejected');
  return result.issues;
};

const secretRef = { name: 's' };

describe('ProjectConfig', () => {
  it('accepts an absent spec', () => {
    const result = validateManifest({
      apiVersion: API,
      kind: 'ProjectConfig',
      metadata: { name: 'demo' },
    });
    expect(result.ok).toBe(true);
  });

  it('is named after its project', () => {
    expect(
      issuesOf(projectConfig({}, { name: 'other', namespace: 'demo' })),
    ).toEqual([
      { path: 'metadata.name', message: 'must match the project name "demo"' },
    ]);
  });

  describe('promotionPolicies', () => {
    it('need exactly one of stage or stageSelector', () => {
      expect(
        issuesOf(
          projectConfig({
            promotionPolicies: [
              { autoPromotionEnabled: true },
              { stage: 'test', stageSelector: { name: 'test' } },
            ],
          }),
        ),
      ).toEqual([
        {
          path: 'spec.promotionPolicies[0]',
          message: 'must have exactly one of stage or stageSelector',
        },
        {
          path: 'spec.promotionPolicies[1]',
          message: 'must have exactly one of stage or stageSelector',
        },
      ]);
    });

    it('check name patterns and duplicate exact names', () => {
      expect(
        issuesOf(
          projectConfig({
            promotionPolicies: [
              { stage: 'uat' },
              { stageSelector: { name: 'uat' } },
              { stageSelector: { name: 'regex:(?=prod)' } },
              { stageSelector: { name: 'glob:prod-[' } },
              { stageSelector: { name: 'wildcard:prod-*' } },
              { stageSelector: { name: 'regexp:^prod-\\d+$' } },
              { stage: 'Not_A_Name' },
            ],
          }),
        ),
      ).toEqual([
        {
          path: 'spec.promotionPolicies[6].stage',
          message:
            'must be an RFC 1123 subdomain: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit',
        },
        {
          path: 'spec.promotionPolicies[1].stageSelector.name',
          message:
            'stage "uat" already has a policy at spec.promotionPolicies[0]',
        },
        {
          path: 'spec.promotionPolicies[2].stageSelector.name',
          message:
            "invalid regex pattern: lookahead is not supported by Kargo's Go RE2 regex engine",
        },
        {
          path: 'spec.promotionPolicies[3].stageSelector.name',
          message: 'invalid glob pattern: glob has an unclosed "["',
        },
        {
          path: 'spec.promotionPolicies[4].stageSelector.name',
          message:
            'invalid pattern identifier "wildcard": must be "regex", "regexp" or "glob"',
        },
      ]);
    });

    it('restrict autoRollback phases', () => {
      expect(
        issuesOf(
          projectConfig({
            promotionPolicies: [
              {
                stageSelector: { name: 'prod' },
                autoRollback: {
                  onPromotion: ['Failed', 'Aborted'],
                  onVerification: ['Failed', 'Failed'],
                },
              },
              {
                stageSelector: { name: 'uat' },
                autoRollback: { onVerification: ['Failed', 'Error', 'Failed'] },
              },
            ],
          }),
        ),
      ).toEqual([
        {
          path: 'spec.promotionPolicies[0].autoRollback.onPromotion[1]',
          message: 'must be one of Failed, Errored',
        },
        {
          path: 'spec.promotionPolicies[0].autoRollback.onVerification[1]',
          message: 'duplicate value "Failed"',
        },
        {
          path: 'spec.promotionPolicies[1].autoRollback.onVerification',
          message: 'must have at most 2 items',
        },
      ]);
    });
  });

  describe('webhookReceivers', () => {
    it('need exactly one provider and unique names', () => {
      expect(
        issuesOf(
          projectConfig({
            webhookReceivers: [
              { name: 'a', github: { secretRef }, gitlab: { secretRef } },
              { name: 'b' },
              { name: 'a', quay: { secretRef } },
              { name: 'Bad Name', dockerhub: {} },
            ],
          }),
        ),
      ).toEqual([
        {
          path: 'spec.webhookReceivers[0]',
          message: 'must configure exactly one provider, found github, gitlab',
        },
        {
          path: 'spec.webhookReceivers[1]',
          message:
            'exactly one of artifactory, azure, bitbucket, dockerhub, generic, gitea, github, gitlab, harbor, quay is required',
        },
        {
          path: 'spec.webhookReceivers[3].name',
          message:
            'must be an RFC 1123 subdomain: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit',
        },
        {
          path: 'spec.webhookReceivers[3].dockerhub.secretRef',
          message: 'required',
        },
      ]);
      expect(
        issuesOf(
          projectConfig({
            webhookReceivers: [
              { name: 'a', github: { secretRef } },
              { name: 'a', quay: { secretRef } },
            ],
          }),
        ),
      ).toEqual([
        {
          path: 'spec.webhookReceivers[1].name',
          message:
            'receiver name "a" is already used by spec.webhookReceivers[0]',
        },
      ]);
    });

    it('check generic receiver actions and targets', () => {
      expect(
        issuesOf(
          projectConfig({
            webhookReceivers: [
              {
                name: 'g',
                generic: {
                  secretRef,
                  actions: [
                    {
                      action: 'Promote',
                      targetSelectionCriteria: [
                        { kind: 'Warehouse', name: 'w' },
                      ],
                    },
                    {
                      action: 'Refresh',
                      targetSelectionCriteria: [
                        { kind: 'Warehouse' },
                        {
                          kind: 'Warehouse',
                          indexSelector: {
                            matchIndices: [
                              { key: 'url', operator: 'Equals', value: 'x' },
                            ],
                          },
                        },
                      ],
                    },
                  ],
                },
              },
            ],
          }),
        ),
      ).toEqual([
        {
          path: 'spec.webhookReceivers[0].generic.actions[0].action',
          message: 'must be Refresh',
        },
        {
          path: 'spec.webhookReceivers[0].generic.actions[1].targetSelectionCriteria[0]',
          message:
            'at least one of name, labelSelector or indexSelector is required',
        },
        {
          path: 'spec.webhookReceivers[0].generic.actions[1].targetSelectionCriteria[1].indexSelector.matchIndices[0].key',
          message: 'must be one of subscribedURLs, receiverPaths',
        },
      ]);
    });

    it('default secretRef.name to an empty string, as the CRD does', () => {
      const result = validateManifest(
        projectConfig({
          webhookReceivers: [{ name: 'a', github: { secretRef: {} } }],
        }),
      );
      expect(
        result.ok && (result.resource as any).spec.webhookReceivers[0],
      ).toEqual({
        name: 'a',
        github: { secretRef: { name: '' } },
      });
    });
  });

  it('checks deep links and promotion windows', () => {
    expect(
      issuesOf(
        projectConfig({
          freightLinks: [{ title: '', url: 'https://x/${{ freight.name }}' }],
          stageLinks: [{ title: 'Dashboard' }],
          promotionWindows: [
            {
              name: 'freeze',
              kind: 'Deny',
              rrule: 'FREQ=WEEKLY;BYDAY=FR',
              dtstart: '20260101T170000',
              dtend: '20260104T060000',
            },
            {
              name: 'freeze',
              kind: 'Block',
              projectSelector: { name: 'demo' },
            },
          ],
        }),
      ),
    ).toEqual([
      { path: 'spec.freightLinks[0].title', message: 'must not be empty' },
      { path: 'spec.stageLinks[0].url', message: 'required' },
      {
        path: 'spec.promotionWindows[1].kind',
        message: 'must be one of Allow, Deny',
      },
    ]);
    expect(
      issuesOf(
        projectConfig({
          promotionWindows: [
            { name: 'freeze', kind: 'Deny' },
            {
              name: 'freeze',
              kind: 'Allow',
              projectSelector: { name: 'demo' },
              rrule: 'FREQ=DAILY',
              dtstart: 'TZID=Europe/Paris:20260101T090000',
              dtend: 'TZID=Europe/Paris:20260101T170000',
            },
          ],
        }),
      ),
    ).toEqual([
      { path: 'spec.promotionWindows[0].dtstart', message: 'required' },
      {
        path: 'spec.promotionWindows[1].name',
        message:
          'window name "freeze" is already used by spec.promotionWindows[0]',
      },
      {
        path: 'spec.promotionWindows[1].projectSelector',
        message: 'is only allowed on ClusterConfig promotion windows',
      },
    ]);
  });
});

describe('ClusterConfig', () => {
  it('is a singleton named cluster', () => {
    expect(issuesOf(clusterConfig({}, 'default'))).toEqual([
      {
        path: 'metadata.name',
        message: 'must be "cluster" (ClusterConfig is a singleton)',
      },
    ]);
  });

  it('checks gitClient and allows projectSelector on windows', () => {
    expect(
      issuesOf(clusterConfig({ gitClient: { name: '', email: 'kargo' } })),
    ).toEqual([
      { path: 'spec.gitClient.name', message: 'must not be empty' },
      { path: 'spec.gitClient.email', message: 'must be an email address' },
    ]);
    const result = validateManifest({
      ...clusterConfig({
        gitClient: {
          name: 'Kargo',
          email: 'kargo@example.com',
          signingKeySecret: { name: 'gpg' },
        },
        promotionWindows: [
          {
            name: 'freeze',
            kind: 'Deny',
            projectSelector: { name: 'glob:prod-*' },
            dtstart: '20261224T000000Z',
            dtend: '20261227T000000Z',
          },
        ],
      }),
      // The API server drops namespaces of cluster-scoped objects.
      metadata: { name: 'cluster', namespace: 'kargo' },
    });
    expect(result.ok && result.resource.metadata).toEqual({ name: 'cluster' });
  });
});
