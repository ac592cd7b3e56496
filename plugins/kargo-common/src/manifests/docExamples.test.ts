import { formatIssues } from './issues';
import { parseManifests } from './parseManifests';
import { validateManifest } from './validateManifest';

/*
 * Example manifests from Kargo's documentation (docs/docs/**), applied
 * unchanged: they must validate, and come out with Kargo's defaults.
 */

function validateAll(yaml: string) {
  return parseManifests(yaml).map(doc => {
    const result = validateManifest(doc);
    if (!result.ok) throw new Error(formatIssues(result.issues));
    return result.resource as any;
  });
}

describe("Kargo's documented examples", () => {
  it('quickstart: Project, Warehouse, PromotionTask and Stages', () => {
    const [project, warehouse, task, test, uat] = validateAll(`
apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata:
  name: kargo-demo
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata:
  name: kargo-demo
  namespace: kargo-demo
spec:
  subscriptions:
  - image:
      repoURL: public.ecr.aws/nginx/nginx
      constraint: ^1.29.0
      discoveryLimit: 5
---
apiVersion: kargo.akuity.io/v1alpha1
kind: PromotionTask
metadata:
  name: demo-promo-process
  namespace: kargo-demo
spec:
  vars:
  - name: gitopsRepo
    value: https://github.com/example/kargo-demo.git
  - name: imageRepo
    value: public.ecr.aws/nginx/nginx
  steps:
  - uses: git-clone
    config:
      repoURL: \${{ vars.gitopsRepo }}
      checkout:
      - branch: main
        path: ./src
      - branch: stage/\${{ ctx.stage }}
        create: true
        path: ./out
  - uses: git-clear
    config:
      path: ./out
  - uses: kustomize-set-image
    as: update
    config:
      path: ./src/base
      images:
      - image: \${{ vars.imageRepo }}
        tag: \${{ imageFrom(vars.imageRepo).Tag }}
  - uses: kustomize-build
    config:
      path: ./src/stages/\${{ ctx.stage }}
      outPath: ./out
  - uses: git-commit
    as: commit
    config:
      path: ./out
      message: \${{ task.outputs.update.commitMessage }}
  - uses: git-push
    config:
      path: ./out
  - uses: argocd-update
    config:
      apps:
      - name: kargo-demo-\${{ ctx.stage }}
        sources:
        - repoURL: \${{ vars.gitopsRepo }}
          desiredRevision: \${{ task.outputs.commit.commit }}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata:
  name: test
  namespace: kargo-demo
spec:
  requestedFreight:
  - origin:
      kind: Warehouse
      name: kargo-demo
    sources:
      direct: true
  promotionTemplate:
    spec:
      steps:
      - task:
          name: demo-promo-process
        as: promo-process
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata:
  name: uat
  namespace: kargo-demo
spec:
  requestedFreight:
  - origin:
      kind: Warehouse
      name: kargo-demo
    sources:
      stages:
      - test
  promotionTemplate:
    spec:
      steps:
      - task:
          name: demo-promo-process
        as: promo-process
`);
    expect(project).toEqual({
      apiVersion: 'kargo.akuity.io/v1alpha1',
      kind: 'Project',
      metadata: { name: 'kargo-demo' },
    });
    expect(warehouse.spec).toEqual({
      interval: '5m0s',
      freightCreationPolicy: 'Automatic',
      subscriptions: [
        {
          image: {
            repoURL: 'public.ecr.aws/nginx/nginx',
            constraint: '^1.29.0',
            discoveryLimit: 5,
            imageSelectionStrategy: 'SemVer',
            strictSemvers: true,
          },
        },
      ],
    });
    expect(task.spec.steps).toHaveLength(7);
    expect(task.spec.steps[2].config.images[0].tag).toBe(
      '${{ imageFrom(vars.imageRepo).Tag }}',
    );
    expect(test.spec.promotionTemplate.spec.steps).toEqual([
      { task: { name: 'demo-promo-process' }, as: 'promo-process' },
    ]);
    expect(uat.spec.requestedFreight[0].sources).toEqual({ stages: ['test'] });
  });

  it('Warehouse with image, git and chart subscriptions gets defaults', () => {
    const [warehouse] = validateAll(`
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata:
  name: my-warehouse
  namespace: kargo-demo
spec:
  subscriptions:
  - image:
      repoURL: public.ecr.aws/nginx/nginx
      constraint: ^1.26.0
  - git:
      repoURL: https://github.com/example/kargo-demo.git
      includePaths:
      - apps/guestbook
      excludePaths:
      - apps/guestbook/README.md
  - chart:
      repoURL: https://charts.example.com
      name: my-chart
      semverConstraint: ^1.0.0
`);
    expect(warehouse).toEqual({
      apiVersion: 'kargo.akuity.io/v1alpha1',
      kind: 'Warehouse',
      metadata: { name: 'my-warehouse', namespace: 'kargo-demo' },
      spec: {
        interval: '5m0s',
        freightCreationPolicy: 'Automatic',
        subscriptions: [
          {
            image: {
              repoURL: 'public.ecr.aws/nginx/nginx',
              constraint: '^1.26.0',
              imageSelectionStrategy: 'SemVer',
              strictSemvers: true,
              discoveryLimit: 20,
            },
          },
          {
            git: {
              repoURL: 'https://github.com/example/kargo-demo.git',
              includePaths: ['apps/guestbook'],
              excludePaths: ['apps/guestbook/README.md'],
              commitSelectionStrategy: 'NewestFromBranch',
              strictSemvers: true,
              discoveryLimit: 20,
            },
          },
          {
            chart: {
              repoURL: 'https://charts.example.com',
              name: 'my-chart',
              semverConstraint: '^1.0.0',
              discoveryLimit: 20,
            },
          },
        ],
      },
    });
  });

  it('Warehouse strategies, named subscriptions and freight creation criteria', () => {
    const [named, strategies, criteria] = validateAll(`
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata:
  name: named
  namespace: kargo-demo
spec:
  subscriptions:
  - name: frontend
    image:
      repoURL: public.ecr.aws/nginx/nginx
      constraint: ^1.26.0
  - name: backend
    image:
      repoURL: public.ecr.aws/myorg/backend
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata:
  name: strategies
  namespace: kargo-demo
spec:
  subscriptions:
  - image:
      repoURL: public.ecr.aws/nginx/nginx
      imageSelectionStrategy: Digest
      constraint: latest
  - image:
      repoURL: ghcr.io/example/myapp
      imageSelectionStrategy: NewestBuild
      cacheByTag: true
      allowTagsRegexes:
      - ^v\\d+\\.\\d+\\.\\d+$
  - git:
      repoURL: https://github.com/example/repo.git
      commitSelectionStrategy: SemVer
      semverConstraint: ^1.0.0
      expressionFilter: creatorDate.After(date('2024-01-01')) && !(tag contains 'alpha')
  - git:
      repoURL: https://github.com/example/other.git
      commitSelectionStrategy: Lexical
      allowTagsRegexes:
      - ^nightly-\\d{8}$
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata:
  name: criteria
  namespace: kargo-demo
spec:
  freightCreationPolicy: Automatic
  subscriptions:
  - image:
      repoURL: ghcr.io/example/frontend
  - image:
      repoURL: ghcr.io/example/backend
  freightCreationCriteria:
    expression: |
      imageFrom('ghcr.io/example/frontend').Tag == imageFrom('ghcr.io/example/backend').Tag
`);
    expect(named.spec.subscriptions.map((s: any) => s.name)).toEqual([
      'frontend',
      'backend',
    ]);
    expect(strategies.spec.subscriptions[0].image.imageSelectionStrategy).toBe(
      'Digest',
    );
    expect(strategies.spec.subscriptions[2].git.commitSelectionStrategy).toBe(
      'SemVer',
    );
    expect(criteria.spec.freightCreationCriteria.expression).toContain(
      "imageFrom('ghcr.io/example/frontend')",
    );
  });

  it('Stage with requested freight, template steps and verification', () => {
    const [test, qa, prod] = validateAll(`
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata:
  name: test
  namespace: kargo-demo
spec:
  vars:
    - name: gitopsRepo
      value: https://github.com/example/kargo-demo.git
  requestedFreight:
  - origin:
      kind: Warehouse
      name: my-warehouse
    sources:
      direct: true
      # These are the default options and could be omitted
      autoPromotionOptions:
        selectionPolicy: NewestFreight
  promotionTemplate:
    spec:
      vars:
      - name: imageRepo
        value: public.ecr.aws/nginx/nginx
      - name: srcPath
        value: ./src
      - name: outPath
        value: ./out
      - name: targetBranch
        value: stage/\${{ ctx.stage }}
      steps:
      - uses: git-clone
        config:
          repoURL: \${{ vars.gitopsRepo }}
          checkout:
          - branch: main
            path: \${{ vars.srcPath }}
          - branch: stage/\${{ ctx.stage }}
            create: true
            path: \${{ vars.outPath }}
      - uses: git-clear
        config:
          path: \${{ vars.outPath }}
      - uses: kustomize-set-image
        as: update-image
        config:
          path: \${{ vars.srcPath }}/base
          images:
          - image: \${{ vars.imageRepo }}
      - uses: kustomize-build
        config:
          path: \${{ vars.srcPath }}/stages/\${{ ctx.stage }}
          outPath: \${{ vars.outPath }}/manifests.yaml
      - uses: git-commit
        as: commit
        config:
          path: \${{ vars.outPath }}
          message: \${{ outputs['update-image'].commitMessage }}
      - uses: git-push
        config:
          path: \${{ vars.outPath }}
          branch: \${{ vars.targetBranch }}
      - uses: argocd-update
        config:
          apps:
          - name: kargo-demo-\${{ ctx.stage }}
            sources:
            - repoURL: \${{ vars.gitopsRepo }}
              desiredRevision: \${{ outputs.commit.commit }}
  verification:
    analysisTemplates:
    - name: kargo-demo
    analysisRunMetadata:
      labels:
        foo: bar
      annotations:
        bat: baz
    args:
    - name: commit
      value: \${{ commitFrom("https://github.com/example/repo.git").ID }}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata:
  name: qa
  namespace: kargo-demo
spec:
  requestedFreight:
  - origin:
      kind: Warehouse
      name: my-warehouse
    sources:
      stages:
      - test
      autoPromotionOptions:
        selectionPolicy: MatchUpstream
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata:
   name: prod
   namespace: kargo-demo
spec:
  requestedFreight:
  - origin:
      kind: Warehouse
      name: my-warehouse
    sources:
      availabilityStrategy: All
      stages:
      - qa
      - uat
      requiredSoakTime: 1h
  verification:
    analysisTemplates:
      - name: integration-test
        kind: ClusterAnalysisTemplate
`);
    expect(test.spec.promotionTemplate.spec.steps).toHaveLength(7);
    expect(test.spec.verification.args).toEqual([
      {
        name: 'commit',
        value: '${{ commitFrom("https://github.com/example/repo.git").ID }}',
      },
    ]);
    expect(qa.spec.requestedFreight[0].sources.autoPromotionOptions).toEqual({
      selectionPolicy: 'MatchUpstream',
    });
    expect(prod.spec.requestedFreight[0].sources.requiredSoakTime).toBe('1h');
  });

  it('ProjectConfig with promotion policies and webhook receivers', () => {
    const [, config, rollback] = validateAll(`
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata:
  name: example
spec:
  # ...
---
apiVersion: kargo.akuity.io/v1alpha1
kind: ProjectConfig
metadata:
  name: example
  namespace: example
spec:
  promotionPolicies:
  - stageSelector:
      # Apply to a specific stage by exact name
      name: prod-east
    autoPromotionEnabled: false
  - stageSelector:
      # Apply to all stages matching a regex pattern
      name: "regex:test-.*"
    autoPromotionEnabled: true
  - stageSelector:
      # Apply to all stages matching a glob pattern
      name: "glob:dev-*"
    autoPromotionEnabled: true
  - stageSelector:
      matchExpressions:
      - key: environment
        operator: In
        values: ["development", "staging"]
    autoPromotionEnabled: true
  - stageSelector:
      name: glob:prod-*
      matchLabels:
        example.org/allow-auto-promotion: "true"
  webhookReceivers:
  - name: my-first-receiver
    github:
      secretRef:
        name: my-first-secret
  - name: my-second-receiver
    gitlab:
      secretRef:
        name: my-second-secret
  - name: my-receiver
    generic:
      secretRef:
        name: wh-secret
      actions:
        - action: Refresh
          whenExpression: "request.header('X-Event-Type') == 'push'"
          targetSelectionCriteria:
            - kind: Warehouse
              indexSelector:
                matchIndices:
                  - key: subscribedURLs
                    operator: Equals
                    value: "\${{ normalizeGit(request.body.repository.url) }}"
---
apiVersion: kargo.akuity.io/v1alpha1
kind: ProjectConfig
metadata:
  name: my-project
  namespace: my-project
spec:
  promotionPolicies:
  - stageSelector:
      name: prod
    autoRollback:
      onVerification:
      - Failed
      - Error
      onPromotion:
      - Failed
      - Errored
`);
    expect(config.spec.promotionPolicies).toHaveLength(5);
    expect(config.spec.webhookReceivers[0]).toEqual({
      name: 'my-first-receiver',
      github: { secretRef: { name: 'my-first-secret' } },
    });
    expect(rollback.spec.promotionPolicies[0].autoRollback).toEqual({
      onVerification: ['Failed', 'Error'],
      onPromotion: ['Failed', 'Errored'],
    });
  });

  it('PromotionTask with required and defaulted vars', () => {
    const [task, clusterTask] = validateAll(`
apiVersion: kargo.akuity.io/v1alpha1
kind: PromotionTask
metadata:
  name: open-pr-and-wait
  namespace: kargo-demo
spec:
  # Task-wide input variables
  vars:
  - name: repoURL
  - name: sourceBranch
  - name: targetBranch
    value: main

  # Sequence of promotion steps
  steps:
  - uses: git-open-pr
    as: open-pr
    config:
      repoURL: \${{ vars.repoURL }}
      createTargetBranch: true
      sourceBranch: \${{ vars.sourceBranch }}
      targetBranch: \${{ vars.targetBranch }}
  - uses: git-wait-for-pr
    config:
      prNumber: \${{ task.outputs['open-pr'].pr.id }}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: ClusterPromotionTask
metadata:
  name: global-task
spec:
  steps:
  - uses: compose-output
    as: output
    config:
      commit: \${{ task.outputs['wait-for-pr'].commit }}
`);
    expect(task.spec.vars).toEqual([
      { name: 'repoURL' },
      { name: 'sourceBranch' },
      { name: 'targetBranch', value: 'main' },
    ]);
    expect(clusterTask.kind).toBe('ClusterPromotionTask');
  });

  it('ClusterConfig with cluster-wide webhook receivers', () => {
    const [clusterConfig] = validateAll(`
apiVersion: kargo.akuity.io/v1alpha1
kind: ClusterConfig
metadata:
  name: cluster
spec:
  webhookReceivers:
  - name: my-first-receiver
    github:
      secretRef:
        name: my-first-secret
  - name: my-second-receiver
    gitlab:  
      secretRef:
        name: my-second-secret
`);
    expect(clusterConfig.spec.webhookReceivers).toHaveLength(2);
  });
});
