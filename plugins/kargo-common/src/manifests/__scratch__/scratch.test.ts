import { validateManifest } from '../validateManifest';
import { parseManifests } from '../parseManifests';
import { parseSemverConstraint } from '../../semver/semverConstraint';

const docs = parseManifests(`
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata:
  name: my-warehouse
  namespace: kargo-demo
  labels:
    app.kubernetes.io/name: x
spec:
  subscriptions:
  - image:
      repoURL: public.ecr.aws/nginx/nginx
      constraint: ^1.26.0
  - git:
      repoURL: https://github.com/example/kargo-demo.git
      includePaths: ["regex:(?=x)", "glob:[a"]
  - chart:
      repoURL: https://charts.example.com
  - foo: {}
  - image:
      repoURL: docker.io/library/nginx
    bar: 1
    name: Bad_Name
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata:
  name: qa
spec:
  requestedFreight:
  - origin: {kind: Warehouse, name: w}
    sources: {}
  - origin: {kind: Warehouse, name: w}
    sources: {direct: true, autoPromotionOptions: {selectionPolicy: MatchUpstream}}
  promotionTemplate:
    spec:
      steps:
      - task: {name: t}
        continueOnError: false
        config: {}
      - uses: x
        as: step-1
      - uses: y
        as: a
      - uses: z
        as: a
      - {}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Foo
---
kind: Stage
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata:
  name: example
spec:
status: {a: 1}
`);

test('scratch', () => {
  for (const d of docs) console.log(JSON.stringify(validateManifest(d), null, 1));
  for (const c of ['^1.26.0', '>= 1.2, < 3.0.0 || 4.x', '~1.2.3', '1.2 - 1.4.5', '*', '!=1.2.3', '>=1.0.0-alpha <2', '^0.0.3', 'foo', '', '>1.2', '<=1.2', '=1', '1.2.3-beta || 2'])
    console.log(c, JSON.stringify(parseSemverConstraint(c)));
});
