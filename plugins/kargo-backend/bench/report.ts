/**
 * Turns results into a table for the terminal and into docs/benchmarks.md.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { DiscoveryResult } from './discovery/types';
import type { BenchFigure, FigureStat } from './figures';
import { FIXTURE_DESCRIPTION } from './fixtures';
import type { PromotionsResult } from './promotions/types';
import type { StagesResult } from './stages';
import type { DatabaseResult, Figure, RunOptions } from './run';

export type Machine = {
  cpu: string;
  cores: number;
  memory: string;
  node: string;
  os: string;
  date: string;
};

export function machine(): Machine {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(
      readFileSync('/proc/cpuinfo', 'utf8'),
    );
    if (m) cpu = m[1].trim();
  } catch {
    // not Linux: keep os.cpus()
  }
  return {
    cpu,
    cores: os.cpus().length,
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
}

export function titles(o: RunOptions): Record<Figure['id'], string> {
  return {
    apply: `Apply ${o.applyCount.toLocaleString(
      'en',
    )} resources in one request (${o.applyReps} reps, fresh DB each)`,
    freight: `Freight list page, limit=${
      o.pageSize
    } (${o.freight.toLocaleString('en')} Freight, ${o.stages} Stages; ${
      o.requests
    } requests)`,
    pipeline: `Entity pipeline answer, ${o.stages}-Stage project (${o.requests} requests)`,
    rss: 'Backend RSS after loading and serving the above',
  };
}

export const BASELINES: Record<Figure['id'], string> = {
  apply:
    'raw knex inserts of the same 1,000 rows (the exact columns and JSON the store writes for these manifests, prepared beforehand), 250 rows per statement (knex writes a SQLite multi-row insert as a compound SELECT, capped at 500 terms), all in one transaction on a freshly migrated database: what any apply must at least pay to write the rows',
  freight:
    'the keyset `SELECT` DatabaseKargoStore issues (same WHERE, ORDER BY sort_at DESC, name DESC, LIMIT limit+1), run with raw knex over the same sequence of pages, rows left as strings: the floor the API adds routing, auth, permission check, the Project lookup, JSON parsing of rows, manifest conversion, serialisation and HTTP to',
  pipeline:
    "raw knex `SELECT` of the project's Stage and Warehouse rows, then of the Freight the Stages hold by name or alias (names known to the harness beforehand), rows left as strings; the API additionally looks up the catalog entity and the Project, lists recent Promotions, parses the Stages' status to find the Freight, and converts and serialises everything",
  rss: 'process.memoryUsage().rss after two forced GCs, measured in the same (fresh) process once the backend had started on the empty database, before anything was loaded. Both readings include the harness fixtures held in memory and the HTTP client, which runs in the same process',
};

const fmt = (v: number, unit: string) =>
  unit === 'ms' ? `${v.toFixed(v < 10 ? 2 : 1)} ms` : `${v.toFixed(0)} MiB`;

export type Row = string[];
export const HEADER: Row = [
  'Figure',
  'Database',
  'Stat',
  'Kargo API',
  'Baseline',
  'Ratio',
  'Target',
];

export function rows(
  results: DatabaseResult[],
  names: Record<Figure['id'], string>,
): Row[] {
  const out: Row[] = [];
  for (const id of ['apply', 'freight', 'pipeline', 'rss'] as const) {
    for (const r of results) {
      const figure = r.figures.find(f => f.id === id);
      if (!figure) continue;
      for (const s of figure.stats) {
        const target =
          figure.target?.stat === s.label ? figure.target : undefined;
        out.push([
          names[id],
          r.database,
          s.label,
          fmt(s.ours, figure.unit),
          fmt(s.baseline, figure.unit),
          `${(s.ours / s.baseline).toFixed(s.ours / s.baseline < 10 ? 2 : 1)}×`,
          target
            ? `< ${target.below} ms ${s.ours < target.below ? 'met' : 'MISSED'}`
            : '',
        ]);
      }
    }
  }
  return out;
}

/** The header of the sections' figures (discovery, promotions). */
export const FIGURE_HEADER: Row = [
  'Figure',
  'Database',
  'Stat',
  'Kargo',
  'Baseline',
  'Ratio',
  'Target',
];

const fmtStat = (v: number, unit: FigureStat['unit']) => {
  switch (unit) {
    case 'ms':
    case 'MiB':
      return fmt(v, unit);
    case 's':
      return `${v.toFixed(1)} s`;
    case 'per s':
      return `${v.toFixed(1)}/s`;
    default:
      return String(v);
  }
};

/** The ratio, oriented so that above 1 always means Kargo is slower. */
function ratioOf(s: FigureStat): string {
  if (s.unit === 'count' || s.baseline === undefined || !s.baseline) return '';
  const r = s.higherIsBetter ? s.baseline / s.ours : s.ours / s.baseline;
  return `${r.toFixed(r < 10 ? 2 : 1)}×`;
}

export function figureRows(figures: BenchFigure[]): Row[] {
  return figures.flatMap(f =>
    f.stats.map(s => [
      f.title,
      f.database,
      s.label,
      s.oursText ?? fmtStat(s.ours, s.unit),
      s.baselineText ??
        (s.baseline === undefined ? '' : fmtStat(s.baseline, s.unit)),
      ratioOf(s),
      s.target ? `${s.target.text} ${s.target.met ? 'met' : 'MISSED'}` : '',
    ]),
  );
}

/** Plain aligned table; repeated figure/database cells are left blank. */
export function textTable(header: Row, body: Row[]): string {
  const shown = body.map((row, i) =>
    row.map((cell, c) =>
      c < 2 &&
      i > 0 &&
      body[i - 1][c] === cell &&
      (c === 0 || body[i - 1][0] === row[0])
        ? ''
        : cell,
    ),
  );
  const widths = header.map((h, c) =>
    Math.max(h.length, ...shown.map(r => r[c].length)),
  );
  const line = (r: Row) =>
    r
      .map((cell, c) =>
        c >= 3 && c <= 5 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]),
      )
      .join('  ')
      .trimEnd();
  return [
    line(header),
    widths.map(w => '-'.repeat(w)).join('  '),
    ...shown.map(line),
  ].join('\n');
}

export function markdownTable(header: Row, body: Row[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [
    `| ${header.join(' | ')} |`,
    `|${header
      .map((_, c) => (c >= 3 && c <= 5 ? ' ---: ' : ' --- '))
      .join('|')}|`,
    ...body.map(r => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

export function markdown(args: {
  machine: Machine;
  options: RunOptions;
  results: DatabaseResult[];
  skipped: string[];
  backend: string;
  totalSeconds: number;
  discovery?: DiscoveryResult;
  promotions?: { results: PromotionsResult[]; description: string[] };
  stages?: { results: StagesResult[]; description: string[] };
  portal?: { results: StagesResult[]; description: string[] };
}): string {
  const { machine: m, options, results, skipped, backend, discovery } = args;
  const names = titles(options);
  const versions = results.map(r => `- ${r.database}: ${r.version}`);
  return `# Benchmarks

Written by \`npm run bench\` (plugins/kargo-backend/bench/); do not edit by
hand, run it again. \`npm run bench -- --no-write\` prints without writing this
file.

## Machine

- Date: ${m.date}
- CPU: ${m.cpu} (${m.cores} cores)
- Memory: ${m.memory}
- OS: ${m.os}
- Node.js: ${m.node}
${[...versions, ...skipped.map(s => `- SKIPPED: ${s}`)].join('\n')}

Total run time: ${args.totalSeconds.toFixed(0)} s.

## Results

Every figure is measured next to its baseline in the same run on the same
database; the ratio is Kargo API ÷ baseline. Latencies are wall-clock, client
side, from sending the request to having read the whole body (Node's fetch over
a keep-alive connection to 127.0.0.1, one request at a time, after a few
untimed warm-up requests). Percentiles are nearest-rank.

${
  results.length
    ? markdownTable(HEADER, rows(results, names))
    : 'No database figures in this run.'
}

## What runs

- Backend: ${backend}.
- Each database runs in its own fresh Node process (so its RSS readings start
  clean): SQLite is a better-sqlite3 file in a temporary directory; PostgreSQL
  gets a new database per measurement, created and dropped by the harness.
- Apply: \`POST /api/kargo/v1beta1/resources\` with one multi-document YAML body;
  each repetition starts a new backend on a new, empty database (the plugin
  runs its migrations) and times only the request.
- Freight list: \`GET /api/kargo/v1beta1/projects/shop/freight?limit=${
    options.pageSize
  }\`.
  Of the ${
    options.requests
  } requests every 4th asks for the first page (someone opening the
  list), the others walk through all pages with \`continue\` and start over
  after the last one.
- Entity pipeline: \`GET /api/kargo/v1beta1/entity/component/default/shop/pipeline\`
  for a Component annotated \`kargo.akuity.io/project: shop\`.
${FIXTURE_DESCRIPTION.map(d => `- ${d}.`).join('\n')}
- The project is loaded with \`DatabaseKargoStore.createResource\` (with
  status) in one transaction, from manifests validated by the same
  \`validateManifest\` the API uses; the load is not measured.

${results
  .map(
    r =>
      `### ${r.database}\n\n${r.notes
        .map(n => `- ${n}`)
        .join('\n')}\n- run time: ${r.seconds.toFixed(0)} s`,
  )
  .join('\n\n')}

## Baselines

${(Object.keys(BASELINES) as Figure['id'][])
  .map(id => `- **${names[id]}**: ${BASELINES[id]}.`)
  .join('\n')}
${discovery ? discoveryMarkdown(discovery) : ''}${
    args.promotions?.results.length
      ? promotionsMarkdown(args.promotions.results, args.promotions.description)
      : ''
  }${
    args.stages?.results.length
      ? sectionMarkdown('Stages', args.stages.results, args.stages.description)
      : ''
  }${
    args.portal?.results.length
      ? sectionMarkdown('Portal', args.portal.results, args.portal.description)
      : ''
  }`;
}

/** The "Warehouse discovery" section of docs/benchmarks.md. */
export function discoveryMarkdown(d: DiscoveryResult): string {
  const body = [
    d.figures.length
      ? markdownTable(FIGURE_HEADER, figureRows(d.figures))
      : 'No discovery figures in this run.',
    '',
    'Run once (not per database) in a Node process of its own. Ratios are',
    'Kargo ÷ baseline, except for throughputs (Warehouses/s), where they are',
    'baseline ÷ Kargo: above 1 always means Kargo is slower. Percentiles are',
    'nearest-rank.',
    '',
    ...d.skipped.map(s => `- SKIPPED: ${s}`),
    ...d.notes.map(n => `- ${n}`),
    `- run time: ${d.seconds.toFixed(0)} s`,
    '',
    '### Baselines',
    '',
    ...d.figures.map(f => `- **${f.title}**: ${f.baseline}.`),
  ];
  return `\n## Warehouse discovery\n\n${body.join('\n')}\n`;
}

const FIGURE_ORDER = ['one-promotion', 'promotion-fleet', 'spawn-stall'];

/** The promotion figures of every database, the single one first. */
export function promotionFigures(results: PromotionsResult[]) {
  return results
    .flatMap(r => r.figures)
    .sort((a, b) => FIGURE_ORDER.indexOf(a.id) - FIGURE_ORDER.indexOf(b.id));
}

/** The "Promotions" section of docs/benchmarks.md. */
export function promotionsMarkdown(
  results: PromotionsResult[],
  description: string[],
): string {
  const figures = promotionFigures(results);
  const baselines = new Map(figures.map(f => [f.title, f.baseline]));
  const body = [
    figures.length
      ? markdownTable(FIGURE_HEADER, figureRows(figures))
      : 'No promotion figures in this run.',
    '',
    'Run in a Node process of its own per database; the single Promotion on',
    'SQLite only. Ratios are engine ÷ baseline, except for throughputs',
    '(Promotions/s), where they are baseline ÷ engine: above 1 always means',
    'the engine is slower. Percentiles are nearest-rank.',
    '',
    '### What runs',
    '',
    ...description.map(d => `- ${d}.`),
    ...results.flatMap(r => [
      '',
      `### ${r.database}`,
      '',
      `- ${r.version}`,
      ...r.skipped.map(s => `- SKIPPED: ${s}`),
      ...r.failures.map(f => `- FAILED: ${f}`),
      ...r.notes.map(n => `- ${n}`),
      `- run time: ${r.seconds.toFixed(0)} s`,
    ]),
    '',
    '### Baselines',
    '',
    ...[...baselines].map(([title, text]) => `- **${title}**: ${text}.`),
  ];
  return `\n## Promotions\n\n${body.join('\n')}\n`;
}

/**
 * A section of docs/benchmarks.md whose figures each carry their baseline:
 * "Stages" (issue 5) and "Portal" (issue 6).
 */
export function sectionMarkdown(
  heading: string,
  results: StagesResult[],
  description: string[],
): string {
  const figures = results.flatMap(r => r.figures);
  const body = [
    figures.length
      ? markdownTable(FIGURE_HEADER, figureRows(figures))
      : `No ${heading} figures in this run.`,
    '',
    'Run in a Node process of its own (per database where it applies).',
    'Ratios are Kargo ÷ baseline: above 1 means slower or bigger than the',
    'baseline. Percentiles are nearest-rank.',
    '',
    '### What runs',
    '',
    ...description.map(d => `- ${d}.`),
    ...results.flatMap(r => [
      '',
      `### ${r.database}`,
      '',
      `- ${r.version}`,
      ...r.skipped.map(s => `- SKIPPED: ${s}`),
      ...r.failures.map(f => `- FAILED: ${f}`),
      ...r.notes.map(n => `- ${n}`),
      `- run time: ${r.seconds.toFixed(0)} s`,
    ]),
    '',
    '### Baselines',
    '',
    ...[...new Map(figures.map(f => [f.title, f.baseline]))].map(
      ([title, text]) => `- **${title}**: ${text}.`,
    ),
  ];
  return `\n## ${heading}\n\n${body.join('\n')}\n`;
}
