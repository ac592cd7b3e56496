import type { JsonObject } from '@backstage/types';
import type { PromotionFreightReference } from '@kargo-backstage/plugin-kargo-node';
import { normalizeGitURL } from '@kargo-backstage/plugin-kargo-common';
import { fail } from '../errors';
import { GoStruct, typeName } from '../values';

/*
 * Kargo's artifact functions over a Promotion's Freight collection (the
 * promoted Freight plus the Stage's Freight from its other origins). An
 * optional warehouse(...) origin picks one Freight; without it, an artifact
 * that more than one origin provides is ambiguous, which is an error.
 */

const ORIGIN_TYPE = 'v1alpha1.FreightOrigin';

/** `warehouse(name)`: a FreightOrigin. */
export function warehouse(...args: unknown[]): GoStruct {
  if (args.length !== 1)
    fail(`warehouse() takes 1 argument, not ${args.length}`);
  const name = args[0];
  if (typeof name !== 'string')
    fail(`warehouse() needs a string, not ${typeName(name)}`);
  if (!name) fail('warehouse(): name must not be empty');
  return new GoStruct(ORIGIN_TYPE, { Kind: 'Warehouse', Name: name }, () => ({
    kind: 'Warehouse',
    name,
  }));
}

function originName(fn: string, v: unknown): string {
  if (!(v instanceof GoStruct) || v.exprType !== ORIGIN_TYPE) {
    fail(
      `${fn}(): the origin must be a FreightOrigin from warehouse(), not ${typeName(
        v,
      )}`,
    );
  }
  return String((v as GoStruct).readField('Name'));
}

const text = (v: unknown) => (typeof v === 'string' ? v : '');

/** json omitempty: fields with empty values are left out. */
function omitEmpty(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(fields).filter(
      ([, v]) =>
        v !== '' &&
        v !== undefined &&
        v !== null &&
        !(typeof v === 'object' && !Object.keys(v as object).length),
    ),
  );
}

function image(i: JsonObject): GoStruct {
  const fields = {
    RepoURL: text(i.repoURL),
    Tag: text(i.tag),
    Digest: text(i.digest),
    Annotations: (i.annotations as JsonObject | undefined) ?? null,
    SubscriptionName: text(i.subscriptionName),
  };
  return new GoStruct('v1alpha1.Image', fields, () =>
    omitEmpty({
      repoURL: fields.RepoURL,
      tag: fields.Tag,
      digest: fields.Digest,
      annotations: fields.Annotations,
      subscriptionName: fields.SubscriptionName,
    }),
  );
}

function commit(c: JsonObject): GoStruct {
  const keys = [
    'repoURL',
    'id',
    'branch',
    'tag',
    'message',
    'author',
    'committer',
    'subscriptionName',
  ];
  const names = [
    'RepoURL',
    'ID',
    'Branch',
    'Tag',
    'Message',
    'Author',
    'Committer',
    'SubscriptionName',
  ];
  const fields = Object.fromEntries(names.map((n, i) => [n, text(c[keys[i]])]));
  return new GoStruct('v1alpha1.GitCommit', fields, () =>
    omitEmpty(Object.fromEntries(keys.map((k, i) => [k, fields[names[i]]]))),
  );
}

function chart(c: JsonObject): GoStruct {
  const fields = {
    RepoURL: text(c.repoURL),
    Name: text(c.name),
    Version: text(c.version),
    SubscriptionName: text(c.subscriptionName),
  };
  return new GoStruct('v1alpha1.Chart', fields, () =>
    omitEmpty({
      repoURL: fields.RepoURL,
      name: fields.Name,
      version: fields.Version,
      subscriptionName: fields.SubscriptionName,
    }),
  );
}

function artifact(a: JsonObject): GoStruct {
  // Kargo's expression-friendly ArtifactReference has no JSON tags.
  const fields = {
    ArtifactType: text(a.artifactType),
    SubscriptionName: text(a.subscriptionName),
    Version: text(a.version),
    Metadata: (a.metadata as JsonObject | undefined) ?? {},
  };
  return new GoStruct('ArtifactReference', fields, () => ({ ...fields }));
}

type Finder = {
  fn: string;
  what: (key: string) => string;
  list: (f: PromotionFreightReference) => JsonObject[] | undefined;
  matches: (item: JsonObject) => boolean;
  wrap: (item: JsonObject) => GoStruct;
};

/** No origin argument was given (as opposed to a nil one). */
const ANY_ORIGIN = Symbol('any origin');

function find(
  freight: PromotionFreightReference[],
  finder: Finder,
  origin: unknown,
  key: string,
) {
  const candidates =
    origin === ANY_ORIGIN
      ? freight
      : freight.filter(f => f.origin.name === originName(finder.fn, origin));
  const found = candidates.flatMap(f => {
    const item = (finder.list(f) ?? []).find(finder.matches);
    return item ? [{ origin: f.origin.name, item }] : [];
  });
  if (new Set(found.map(f => f.origin)).size > 1) {
    fail(
      `multiple requested Freight could potentially provide ${finder.what(
        key,
      )}: ` +
        'please provide a Freight origin (warehouse("name")) to disambiguate',
    );
  }
  return found.length ? finder.wrap(found[0].item) : null;
}

function stringArg(fn: string, v: unknown, position: string): string {
  if (typeof v !== 'string')
    fail(
      `${fn}(): the ${position} argument must be a string, not ${typeName(v)}`,
    );
  return v as string;
}

/** imageFrom, commitFrom, chartFrom and artifactFrom over `freight`. */
export function freightCollectionFunctions(
  freight: PromotionFreightReference[],
) {
  return {
    warehouse,
    imageFrom: (...args: unknown[]) => {
      if (args.length < 1 || args.length > 2)
        fail(`imageFrom() takes 1 or 2 arguments, not ${args.length}`);
      const repoURL = stringArg('imageFrom', args[0], 'first');
      return find(
        freight,
        {
          fn: 'imageFrom',
          what: k => `a container image from repository ${k}`,
          list: f => f.images,
          matches: i => i.repoURL === repoURL,
          wrap: image,
        },
        args.length > 1 ? args[1] : ANY_ORIGIN,
        repoURL,
      );
    },
    commitFrom: (...args: unknown[]) => {
      if (args.length < 1 || args.length > 2)
        fail(`commitFrom() takes 1 or 2 arguments, not ${args.length}`);
      const repoURL = normalizeGitURL(
        stringArg('commitFrom', args[0], 'first'),
      );
      return find(
        freight,
        {
          fn: 'commitFrom',
          what: k => `a commit from repo ${k}`,
          list: f => f.commits,
          matches: c => normalizeGitURL(text(c.repoURL)) === repoURL,
          wrap: commit,
        },
        args.length > 1 ? args[1] : ANY_ORIGIN,
        repoURL,
      );
    },
    chartFrom: (...args: unknown[]) => {
      if (args.length < 1 || args.length > 3)
        fail(`chartFrom() takes 1 to 3 arguments, not ${args.length}`);
      const repoURL = stringArg('chartFrom', args[0], 'first');
      const named = typeof args[1] === 'string';
      if (args.length === 3 && !named)
        stringArg('chartFrom', args[1], 'second');
      const name = named ? (args[1] as string) : '';
      const position = named ? 2 : 1;
      const origin = args.length > position ? args[position] : ANY_ORIGIN;
      return find(
        freight,
        {
          fn: 'chartFrom',
          what: k => `a chart from repository ${k}`,
          list: f => f.charts,
          matches: c => c.repoURL === repoURL && text(c.name) === name,
          wrap: chart,
        },
        origin,
        repoURL,
      );
    },
    artifactFrom: (...args: unknown[]) => {
      if (args.length < 1 || args.length > 2)
        fail(`artifactFrom() takes 1 or 2 arguments, not ${args.length}`);
      const name = stringArg('artifactFrom', args[0], 'first');
      return find(
        freight,
        {
          fn: 'artifactFrom',
          what: k => `a "${k}" artifact`,
          list: f => f.artifacts,
          matches: a => a.subscriptionName === name,
          wrap: artifact,
        },
        args.length > 1 ? args[1] : ANY_ORIGIN,
        name,
      );
    },
  };
}
