/**
 * The GitOps layout both sides promote into: every Stage owns one values
 * file, env/<stage>/values.yaml, in a repository it shares with other
 * Stages; the Kargo manifests for the engine (Project, Warehouse, Stages
 * with git-clone → yaml-update → git-commit → git-push, Freight); and the
 * check that a repository ended where the Promotions should have left it.
 */
import { execFileSync } from 'node:child_process';
import type { RepoCommit } from '../discovery/gitRepos';

export const IMAGE = 'registry.example.com/app';
/** Every repository starts with the values files of these Stages... */
export const SOLO_STAGE = 'solo';
/** ...the one the shell script edits in the single-promotion figure... */
export const SCRIPT_STAGE = 'script';
/** ...and the fleet's, stage-00 on. */
export const fleetStage = (i: number) => `stage-${String(i).padStart(2, '0')}`;

export const valuesPath = (stage: string) => `env/${stage}/values.yaml`;

const valuesFile = (stage: string, tag: string) =>
  `# ${stage}: the image this environment runs\nimage:\n  repository: ${IMAGE}\n  tag: ${tag} # set by promotions\nreplicas: 2\n`;

/**
 * Commit 0 writes every values file at tag 0.0.0; later ones only touch
 * README.md, so the repository has a little history, as a real one would.
 */
export function gitopsHistory(stageCount: number) {
  const stages = [
    SOLO_STAGE,
    SCRIPT_STAGE,
    ...Array.from({ length: stageCount }, (_, i) => fleetStage(i)),
  ];
  return (i: number): RepoCommit => {
    if (i > 0) {
      return {
        message: `docs: revision ${i}`,
        files: { 'README.md': `GitOps repository, revision ${i}\n` },
      };
    }
    const files: Record<string, string> = {};
    for (const stage of stages)
      files[valuesPath(stage)] = valuesFile(stage, '0.0.0');
    return { message: 'initial layout', files };
  };
}

/** The Freight of promotion round i (from 1): its name and image tag. */
export const freightOf = (i: number) => ({ name: `f-${i}`, tag: `1.0.${i}` });

const stageYaml = (project: string, stage: string, repoURL: string) => `---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: { name: ${stage}, namespace: ${project} }
spec:
  requestedFreight:
    - origin: { kind: Warehouse, name: app }
      sources: { direct: true }
  promotionTemplate:
    spec:
      steps:
        - uses: git-clone
          config:
            repoURL: ${repoURL}
            checkout: [{ branch: main, path: ./out }]
        - uses: yaml-update
          as: update
          config:
            path: ./out/${valuesPath(stage)}
            updates:
              - key: image.tag
                value: \${{ imageFrom('${IMAGE}').Tag }}
        - uses: git-commit
          config:
            path: ./out
            message: \${{ outputs.update.commitMessage }}
        - uses: git-push
          config: { path: ./out }
`;

/** Project, Warehouse, the Stages (name → repository URL) and `freight` Freight. */
export function projectYaml(
  project: string,
  stages: Array<{ stage: string; repoURL: string }>,
  freight: number,
): string {
  const parts = [
    `---
apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata: { name: ${project} }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: { name: app, namespace: ${project} }
spec:
  subscriptions:
    - image: { repoURL: ${IMAGE} }
`,
    ...stages.map(s => stageYaml(project, s.stage, s.repoURL)),
  ];
  for (let i = 1; i <= freight; i++) {
    const f = freightOf(i);
    parts.push(`---
apiVersion: kargo.akuity.io/v1alpha1
kind: Freight
metadata: { name: ${f.name}, namespace: ${project} }
alias: v-${i}
origin: { kind: Warehouse, name: app }
images:
  - repoURL: ${IMAGE}
    tag: "${f.tag}"
    digest: sha256:${i.toString(16).padStart(64, '0')}
`);
  }
  return parts.join('');
}

/**
 * The Stages of `bareDir` whose values file on main does not hold `tag`:
 * empty when every push landed (and, with FIFO per Stage, in order).
 */
export function stagesNotAt(
  bareDir: string,
  stages: string[],
  tag: string,
): string[] {
  return stages.filter(stage => {
    const text = execFileSync(
      'git',
      ['--git-dir', bareDir, 'show', `main:${valuesPath(stage)}`],
      { encoding: 'utf8', env: { PATH: process.env.PATH } },
    );
    return !new RegExp(`^  tag: "?${tag.replace(/\./g, '\\.')}"?\\b`, 'm').test(
      text,
    );
  });
}

/** How many commits main has in `bareDir`. */
export function commitCount(bareDir: string): number {
  return Number(
    execFileSync('git', ['--git-dir', bareDir, 'rev-list', '--count', 'main'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
    }).trim(),
  );
}
