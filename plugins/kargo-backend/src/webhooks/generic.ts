import {
  normalizeChartRepoURL,
  normalizeGitURL,
  normalizeImageRepoURL,
} from '@kargo-backstage/plugin-kargo-common';
import { evaluateExpression, GoStruct } from '../expressions';
import { Headers, InvalidBodyError, WebhookResponse } from './http';
import { subscribedURLs } from './matching';
import {
  LabelSelector,
  matchesLabelSelector,
} from '../selectors/labelSelector';

/*
 * Kargo's generic receiver: authenticated by its URL alone; each configured
 * action runs when its whenExpression holds, on the Warehouses its
 * targetSelectionCriteria select (name, label selector and subscribed-URL
 * index, ANDed), and the answer reports every action's result.
 *
 * Expressions see Kargo's environment: `request.header(name)`,
 * `request.headers(name)`, `request.params(name)` (query), `request.body`,
 * `params` (the action's parameters) and normalizeGit/Image/Chart. Template
 * fields (`name`, label values, index values) interpolate `${{ expr }}`.
 */

type Json = Record<string, unknown>;

/** A Warehouse as the generic receiver sees it. */
export type GenericTarget = {
  project: string;
  name: string;
  labels: Record<string, string>;
  spec: Json;
};

export type GenericRequest = {
  config: Json;
  headers: Headers;
  body: Buffer;
  query: URLSearchParams;
  listWarehouses(): Promise<GenericTarget[]>;
  refresh(target: GenericTarget): Promise<boolean>;
};

type SelectedTarget = { namespace: string; name: string; success: boolean };

type ActionResult = Json & {
  matchedWhenExpression: boolean;
  selectedTargets?: SelectedTarget[];
  result: string;
  summary: string;
};

function scopeFor(request: GenericRequest, body: unknown, params: Json) {
  const text = (v: unknown) => (typeof v === 'string' ? v : String(v ?? ''));
  return {
    variables: {
      // Kargo's request object: the body, and methods for headers and query.
      request: new GoStruct('request', { body }, () => ({ body }), {
        header: ([name]) => request.headers.get(text(name)),
        headers: ([name]) => request.headers.all(text(name)),
        params: ([name]) => request.query.get(text(name)) ?? '',
      }),
      params,
    },
    functions: {
      normalizeGit: (url: unknown) => normalizeGitURL(text(url)),
      normalizeImage: (url: unknown) => normalizeImageRepoURL(text(url)),
      normalizeChart: (url: unknown) => normalizeChartRepoURL(text(url)),
    },
  };
}

type Scope = ReturnType<typeof scopeFor>;

function evaluate(expression: string, scope: Scope): unknown {
  return evaluateExpression(expression, scope);
}

const TEMPLATE = /\$\{\{([\s\S]*?)\}\}/g;

/**
 * Kargo's expressions.EvaluateTemplate: a string that is exactly one
 * `${{ expr }}` yields the expression's value; otherwise each is replaced by
 * its value as text.
 */
function evaluateTemplate(template: string, scope: Scope): unknown {
  const whole = /^\$\{\{([\s\S]*?)\}\}$/.exec(template);
  if (whole && !whole[1].includes('}}')) return evaluate(whole[1], scope);
  return template.replace(TEMPLATE, (_m, expr) => {
    const value = evaluate(expr, scope);
    if (value === null || value === undefined) return '';
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  });
}

function evalAsString(template: string, scope: Scope): string {
  const value = evaluateTemplate(template, scope);
  if (typeof value !== 'string') {
    throw new Error(
      `expression result evaluated to ${typeof value}; not a string`,
    );
  }
  return value;
}

function labelsMatch(
  selector: Json | undefined,
  labels: Record<string, string>,
  scope: Scope,
): boolean {
  return matchesLabelSelector(
    selector as LabelSelector | undefined,
    labels,
    v => evalAsString(v, scope),
  );
}

function indicesMatch(
  indexSelector: Json | undefined,
  target: GenericTarget,
  scope: Scope,
): boolean {
  const indices = (indexSelector?.matchIndices ?? []) as Json[];
  for (const index of indices) {
    if (index.key !== 'subscribedURLs') {
      // Warehouses are indexed by subscribed URL only.
      throw new Error(
        `index ${JSON.stringify(index.key)} does not exist for Warehouses`,
      );
    }
    const value = evalAsString(String(index.value ?? ''), scope);
    const has = subscribedURLs(target.spec).includes(value);
    switch (index.operator) {
      case 'Equals':
        if (!has) return false;
        break;
      case 'NotEquals':
        if (has) return false;
        break;
      default:
        throw new Error(
          `unsupported operator ${JSON.stringify(
            index.operator,
          )} in index selector expression`,
        );
    }
  }
  return true;
}

async function selectTargets(
  action: Json,
  all: GenericTarget[],
  scope: Scope,
): Promise<GenericTarget[]> {
  const selected = new Map<string, GenericTarget>();
  for (const criteria of (action.targetSelectionCriteria ?? []) as Json[]) {
    if (criteria.kind !== 'Warehouse') {
      throw new Error(
        `unsupported target kind: ${JSON.stringify(criteria.kind)}`,
      );
    }
    const name =
      typeof criteria.name === 'string' && criteria.name !== ''
        ? evalAsString(criteria.name, scope)
        : undefined;
    // Evaluate selectors once even when no Warehouse exists (errors surface).
    labelsMatch(criteria.labelSelector as Json | undefined, {}, scope);
    for (const target of all) {
      if (
        indicesMatch(
          criteria.indexSelector as Json | undefined,
          target,
          scope,
        ) &&
        labelsMatch(
          criteria.labelSelector as Json | undefined,
          target.labels,
          scope,
        ) &&
        (name === undefined || target.name === name)
      ) {
        selected.set(`${target.project}/${target.name}`, target);
      }
    }
  }
  return [...selected.entries()]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([, t]) => t);
}

function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function resultOf(total: number, successes: number): string {
  if (successes === total) return 'Success';
  if (successes === 0) return 'Failure';
  return 'PartialSuccess';
}

/** Runs a generic receiver's actions. */
export async function handleGeneric(
  request: GenericRequest,
): Promise<WebhookResponse> {
  let body: unknown = null;
  if (request.body.length > 0) {
    try {
      body = JSON.parse(request.body.toString('utf8'));
    } catch {
      throw new InvalidBodyError('invalid request body: not valid JSON');
    }
  }
  const actions = (request.config.actions ?? []) as Json[];
  let all: GenericTarget[] | undefined;
  const results: ActionResult[] = [];
  for (const action of actions) {
    const params = { ...((action.parameters ?? {}) as Json) };
    const scope = scopeFor(request, body, params);
    const base = { ...action };
    let met: boolean;
    try {
      const when = action.whenExpression;
      if (typeof when === 'string' && when !== '') {
        const value = evaluate(when, scope);
        if (typeof value !== 'boolean') {
          throw new Error('whenExpression did not evaluate to a bool');
        }
        met = value;
      } else {
        met = true;
      }
    } catch {
      results.push({
        ...base,
        matchedWhenExpression: false,
        result: 'Error',
        summary: 'Error evaluating whenExpression',
      });
      continue;
    }
    if (!met) {
      results.push({
        ...base,
        matchedWhenExpression: false,
        result: 'NotApplicable',
        summary: 'Request did not match whenExpression',
      });
      continue;
    }
    let targets: GenericTarget[];
    try {
      all ??= await request.listWarehouses();
      targets = await selectTargets(action, all, scope);
    } catch {
      results.push({
        ...base,
        matchedWhenExpression: true,
        result: 'Error',
        summary: 'Error evaluating targetSelectionCriteria',
      });
      continue;
    }
    const selectedTargets: SelectedTarget[] = [];
    for (const target of targets) {
      let success = false;
      try {
        success = await request.refresh(target);
      } catch {
        success = false;
      }
      selectedTargets.push({
        namespace: target.project,
        name: target.name,
        success,
      });
    }
    const successes = selectedTargets.filter(t => t.success).length;
    results.push({
      ...base,
      matchedWhenExpression: true,
      ...(selectedTargets.length ? { selectedTargets } : {}),
      result: resultOf(selectedTargets.length, successes),
      summary: `Refreshed ${successes} of ${selectedTargets.length} selected resources`,
    });
  }
  const failed = results.some(r =>
    ['Error', 'Failure', 'PartialSuccess'].includes(r.result),
  );
  return { status: failed ? 500 : 200, body: { results } };
}
