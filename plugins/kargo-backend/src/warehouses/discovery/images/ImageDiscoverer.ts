import { createHash } from 'node:crypto';
import {
  compareGoStrings,
  compileGoRegex,
  ImageSubscription,
  parseMastermindsVersion,
  parseSemverConstraint,
  satisfiesSemverConstraint,
  sortVersionsDescending,
} from '@kargo-backstage/plugin-kargo-common';
import {
  DiscoveredImageReference,
  DiscoveredImages,
  DiscoveryContext,
  DiscoveryError,
  RepositoryCredentials,
} from '../types';
import {
  FetchedManifest,
  isImageManifestMediaType,
  isIndexMediaType,
  ManifestHead,
  RegistryClient,
  RegistryClientOptions,
  RegistryLogger,
  RegistryRequestOptions,
} from '../registry/client';
import { LruCache } from '../registry/lruCache';
import { parseRepository, RegistryRepository } from '../registry/reference';
import {
  creationTimeFromMetadata,
  formatTime,
  imageCreationTime,
  parsePlatformConstraint,
  platformMatches,
  PlatformConstraint,
  sortLexicalDescending,
  TagFilter,
} from './selection';

/** Kargo's controller policy for `cacheByTag` (CACHE_BY_TAG_POLICY). */
export type CacheByTagPolicy = 'Forbid' | 'Allow' | 'Require' | 'Force';

export type ImageDiscovererOptions = Omit<RegistryClientOptions, 'logger'> & {
  logger?: RegistryLogger;
  /** Use this client instead of building one from the other options. */
  client?: RegistryClient;
  /** Default `Allow`. */
  cacheByTagPolicy?: CacheByTagPolicy;
  /**
   * Record OCI annotations on every reference, as Kargo does (default true).
   * It costs one manifest GET per new digest among the selected tags (then
   * cached by digest); false makes SemVer/Lexical/Digest discovery HEAD-only.
   */
  recordAnnotations?: boolean;
  /** Concurrent tag resolutions (HEADs, and metadata for NewestBuild), default 20. */
  metadataConcurrency?: number;
  /** Image metadata by tag for `cacheByTag`; default: process-wide. */
  tagCache?: LruCache<ResolvedImage>;
  /**
   * Subscriptions whose last discovery is remembered for the next one
   * (default 1000): the tags it resolved, re-checked while the tag list is
   * read, and the order of the candidates, kept while the list is unchanged.
   */
  recallEntries?: number;
};

export type ImageDiscoverySubscription = ImageSubscription & { name?: string };

/** What is known about the image a tag points at. */
export type ResolvedImage = {
  digest: string;
  annotations?: Record<string, string>;
  /** Only for indexes / manifest lists. */
  platforms?: Array<{
    os: string;
    arch: string;
    variant?: string;
    annotations?: Record<string, string>;
  }>;
  /** Epoch ms; only when it was needed (NewestBuild). */
  createdAt?: number;
  /** Whether annotations/platforms were read from the manifest. */
  described: boolean;
};

/** Image metadata by `registry/repository:tag`, for `cacheByTag`. */
export const sharedTagCache = new LruCache<ResolvedImage>(
  Number(process.env.KARGO_IMAGE_TAG_CACHE_ENTRIES) || 20000,
);

/**
 * What the next discovery of the same subscription reuses from the last one
 * (SemVer and Lexical).
 */
type Recall = {
  /** Hash of the tag list the candidates were ordered from. */
  listing: string;
  /** The first candidates, filtered and in selection order. */
  ordered: string[];
  /** Whether `ordered` holds every candidate. */
  complete: boolean;
  /** The tags the discovery had to resolve (HEAD), in order. */
  resolved: string[];
};

/** Candidates kept beyond the ones resolved (for platform misses). */
const RECALL_SPARE = 100;

const EARLY_HEAD_UNUSED = new Error('the tag was not selected this time');

/** Manifest HEADs started before the tag list is read, by tag. */
type EarlyHeads = Map<string, Promise<ManifestHead | undefined>>;

type Plan = {
  repo: RegistryRepository;
  request: RegistryRequestOptions;
  platform?: PlatformConstraint;
  cacheByTag: boolean;
  needCreatedAt: boolean;
};

function invalid(message: string): DiscoveryError {
  return new DiscoveryError('InvalidSubscription', message);
}

function compileAll(patterns: string[] | undefined, field: string): RegExp[] {
  return (patterns ?? []).map(p => {
    try {
      return compileGoRegex(p);
    } catch (e) {
      throw invalid(
        `${field}: cannot compile regular expression "${p}": ${
          (e as Error).message
        }`,
      );
    }
  });
}

/**
 * Discovers the images of one `image` subscription as Kargo's image
 * subscriber does: list tags, filter, order by the selection strategy and
 * resolve digests of the best `discoveryLimit` tags.
 */
export class ImageDiscoverer {
  readonly #client: RegistryClient;
  readonly #policy: CacheByTagPolicy;
  readonly #recordAnnotations: boolean;
  readonly #concurrency: number;
  readonly #tagCache: LruCache<ResolvedImage>;
  readonly #recall: LruCache<Recall>;
  readonly #logger?: RegistryLogger;

  constructor(options: ImageDiscovererOptions = {}) {
    this.#client = options.client ?? new RegistryClient(options);
    this.#policy = options.cacheByTagPolicy ?? 'Allow';
    this.#recordAnnotations = options.recordAnnotations ?? true;
    // 20: the default discoveryLimit's HEADs go out together (the registry's
    // rate limiter still paces them).
    this.#concurrency = Math.max(1, options.metadataConcurrency ?? 20);
    this.#tagCache = options.tagCache ?? sharedTagCache;
    this.#recall = new LruCache<Recall>(
      Math.max(1, options.recallEntries ?? 1000),
    );
    this.#logger = options.logger;
  }

  async discover(
    subscription: ImageDiscoverySubscription,
    context: DiscoveryContext & { discoveryLimit?: number },
  ): Promise<DiscoveredImages> {
    const strategy = subscription.imageSelectionStrategy || 'SemVer';
    const limit = Math.max(
      1,
      context.discoveryLimit ?? subscription.discoveryLimit ?? 20,
    );

    let repo: RegistryRepository;
    try {
      repo = parseRepository(subscription.repoURL);
    } catch (e) {
      throw invalid((e as Error).message);
    }
    let platform: PlatformConstraint | undefined;
    if (subscription.platform) {
      platform = parsePlatformConstraint(subscription.platform);
      if (!platform) {
        throw invalid(
          `error parsing platform constraint "${subscription.platform}": must be <os>/<arch>[/<variant>]`,
        );
      }
    }

    let cacheByTag = Boolean(subscription.cacheByTag);
    if (this.#policy === 'Forbid') cacheByTag = false;
    if (this.#policy === 'Force') cacheByTag = true;
    if (this.#policy === 'Require' && !cacheByTag) {
      throw invalid(
        'caching image metadata by tag is required by controller configuration; enable with caution as this feature is safe only for subscriptions not involving "mutable" tags',
      );
    }

    // Tag-based strategies: validate filters before any network traffic, in
    // Kargo's order (allow regexes, allowTags, ignore regexes, ignoreTags).
    let filter: TagFilter | undefined;
    if (strategy !== 'Digest') {
      const allow = compileAll(
        subscription.allowTagsRegexes,
        'allowTagsRegexes',
      );
      if (subscription.allowTags) {
        throw invalid(
          'allowTags is deprecated and unsupported as of v1.11.0; use allowTagsRegexes instead',
        );
      }
      const ignore = compileAll(
        subscription.ignoreTagsRegexes,
        'ignoreTagsRegexes',
      );
      if (subscription.ignoreTags && subscription.ignoreTags.length > 0) {
        throw invalid(
          'ignoreTags is deprecated and unsupported as of v1.11.0; use ignoreTagsRegexes instead',
        );
      }
      filter = new TagFilter(allow, ignore);
    }
    let range: string | undefined;
    if (strategy === 'SemVer' && subscription.constraint) {
      const parsed = parseSemverConstraint(subscription.constraint);
      if (!parsed.ok) {
        throw invalid(
          `error parsing semver constraint "${subscription.constraint}": ${parsed.reason}`,
        );
      }
      range = parsed.range;
    }
    if (strategy === 'Digest' && !subscription.constraint) {
      throw invalid(
        'constraint (the tag to watch) is required by the Digest strategy',
      );
    }

    const credentials: RepositoryCredentials | undefined =
      await context.credentials.lookup('image', subscription.repoURL);
    const plan: Plan = {
      repo,
      request: {
        credentials,
        insecureSkipTLSVerify: subscription.insecureSkipTLSVerify,
        signal: context.signal,
      },
      platform,
      cacheByTag: strategy !== 'Digest' && cacheByTag,
      needCreatedAt: strategy === 'NewestBuild',
    };

    let references: DiscoveredImageReference[];
    switch (strategy) {
      case 'Digest':
        references = await this.#digest(plan, subscription.constraint!);
        break;
      case 'NewestBuild':
        references = await this.#newestBuild(plan, filter!, limit);
        break;
      case 'Lexical':
        references = await this.#listAndResolve(
          plan,
          [strategy, subscription, limit],
          limit,
          tags => sortLexicalDescending(tags.filter(t => filter!.matches(t))),
        );
        break;
      case 'SemVer': {
        const strict = subscription.strictSemvers ?? true;
        references = await this.#listAndResolve(
          plan,
          [strategy, subscription, limit, strict],
          limit,
          tags =>
            sortVersionsDescending(
              tags
                .filter(t => filter!.matches(t))
                .map(t => parseMastermindsVersion(t, { strict }))
                .filter(
                  (v): v is NonNullable<typeof v> =>
                    v !== undefined &&
                    (range === undefined ||
                      satisfiesSemverConstraint(v.original, range)),
                ),
            ).map(v => v.original),
        );
        break;
      }
      default:
        throw invalid(`unknown imageSelectionStrategy "${strategy}"`);
    }

    this.#logger?.debug('discovered images', {
      repoURL: subscription.repoURL,
      strategy,
      count: references.length,
    });
    const result: DiscoveredImages = {
      repoURL: subscription.repoURL,
      references,
    };
    if (subscription.platform) result.platform = subscription.platform;
    if (subscription.name) result.subscriptionName = subscription.name;
    return result;
  }

  /** The image a mutable tag points at now; none when the tag is absent. */
  async #digest(plan: Plan, tag: string): Promise<DiscoveredImageReference[]> {
    const head = await this.#client.headManifest(plan.repo, tag, plan.request);
    if (!head) return [];
    const image = await this.#describe(plan, tag, head);
    const ref = image && this.#toReference(plan, tag, image);
    return ref ? [ref] : [];
  }

  /**
   * SemVer and Lexical: lists the tags, orders the candidates and resolves
   * the first `limit` of them, as Kargo does. A re-check of the same
   * subscription HEADs the tags it resolved last time while the list is
   * being read (each through the rate limiter, like any request), and reuses
   * the order of the candidates while the list is unchanged. Every selected
   * tag is still resolved anew unless `cacheByTag`, so a re-tagged image is
   * seen at the next discovery, as in Kargo.
   */
  async #listAndResolve(
    plan: Plan,
    settings: unknown[],
    limit: number,
    order: (tags: string[]) => string[],
  ): Promise<DiscoveredImageReference[]> {
    const key = JSON.stringify([
      plan.repo.registry,
      plan.repo.repository,
      plan.platform ?? null,
      plan.cacheByTag,
      ...settings,
    ]);
    const recall = this.#recall.get(key);
    const listing = this.#client.listTags(plan.repo, plan.request);
    const early = this.#headEarly(plan, recall?.resolved ?? []);
    try {
      const tags = await listing;
      const hash = createHash('sha256').update(tags.join('\n')).digest('hex');
      let ordered: string[];
      let complete: boolean;
      if (recall && recall.listing === hash) {
        ordered = recall.ordered;
        complete = recall.complete;
      } else {
        ordered = order(tags);
        complete = true;
      }
      const resolved: string[] = [];
      const references = await this.#firstResolved(
        plan,
        ordered,
        limit,
        complete ? undefined : () => order(tags),
        early.heads,
        resolved,
      );
      const keep = resolved.length + RECALL_SPARE;
      this.#recall.set(key, {
        listing: hash,
        ordered: ordered.length > keep ? ordered.slice(0, keep) : ordered,
        complete: complete && ordered.length <= keep,
        resolved: resolved.filter(t => this.#needsHead(plan, t)),
      });
      return references;
    } finally {
      early.stop();
    }
  }

  /**
   * Starts the manifest HEADs of `tags` (those a resolution would HEAD),
   * each going through the registry's rate limiter; `stop` aborts the ones
   * nobody used. Their failures are left to the resolution, which HEADs
   * again when an early answer is missing or failed.
   */
  #headEarly(
    plan: Plan,
    tags: string[],
  ): { heads: EarlyHeads; stop: () => void } {
    const heads: EarlyHeads = new Map();
    const tagsToHead = tags.filter(t => this.#needsHead(plan, t));
    if (tagsToHead.length === 0) return { heads, stop: () => undefined };
    const abort = new AbortController();
    const signal = plan.request.signal
      ? AbortSignal.any([plan.request.signal, abort.signal])
      : abort.signal;
    for (const tag of tagsToHead) {
      const head = this.#client.headManifest(plan.repo, tag, {
        ...plan.request,
        signal,
      });
      head.catch(() => undefined);
      heads.set(tag, head);
    }
    // Used HEADs leave the map: nothing to stop (and no DOMException to
    // make) when every early HEAD was wanted.
    return {
      heads,
      stop: () => {
        if (heads.size > 0) abort.abort(EARLY_HEAD_UNUSED);
      },
    };
  }

  /**
   * Walks ordered tags, resolving each, until `limit` images qualify;
   * `more` gives the whole order when `tags` is only its beginning.
   */
  async #firstResolved(
    plan: Plan,
    tags: string[],
    limit: number,
    more?: () => string[],
    early?: EarlyHeads,
    resolved?: string[],
  ): Promise<DiscoveredImageReference[]> {
    const out: DiscoveredImageReference[] = [];
    // Resolve in order, a batch at a time: concurrent requests (still under
    // the registry's rate limit) without resolving tags nobody needs.
    let next = 0;
    let candidates = tags;
    let rest = more;
    for (;;) {
      if (next >= candidates.length && rest) {
        candidates = rest();
        rest = undefined;
      }
      if (out.length >= limit || next >= candidates.length) break;
      const batch = candidates.slice(
        next,
        next + Math.min(limit - out.length, this.#concurrency),
      );
      next += batch.length;
      resolved?.push(...batch);
      const images = await Promise.all(
        batch.map(tag => this.#resolveTag(plan, tag, early)),
      );
      batch.forEach((tag, i) => {
        const ref = this.#toReference(plan, tag, images[i]);
        if (ref && out.length < limit) out.push(ref);
      });
    }
    return out;
  }

  async #newestBuild(
    plan: Plan,
    filter: TagFilter,
    limit: number,
  ): Promise<DiscoveredImageReference[]> {
    const tags = (await this.#client.listTags(plan.repo, plan.request)).filter(
      t => filter.matches(t),
    );
    const resolved: Array<{ tag: string; image: ResolvedImage }> = [];
    const abort = new AbortController();
    const signal = plan.request.signal
      ? AbortSignal.any([plan.request.signal, abort.signal])
      : abort.signal;
    const sub: Plan = { ...plan, request: { ...plan.request, signal } };
    let next = 0;
    const worker = async () => {
      while (next < tags.length) {
        const tag = tags[next++];
        try {
          resolved.push({ tag, image: await this.#resolveTag(sub, tag) });
        } catch (e) {
          abort.abort(e);
          throw e;
        }
      }
    };
    const results = await Promise.allSettled(
      Array.from({ length: Math.min(this.#concurrency, tags.length) }, worker),
    );
    const failed =
      results.find(
        (r): r is PromiseRejectedResult =>
          r.status === 'rejected' && r.reason instanceof DiscoveryError,
      ) ??
      results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;

    return resolved
      .filter(r => !plan.platform || this.#platformOf(plan, r.image))
      .sort(
        (l, r) =>
          (r.image.createdAt ?? 0) - (l.image.createdAt ?? 0) ||
          compareGoStrings(r.tag, l.tag),
      )
      .slice(0, limit)
      .map(r => this.#toReference(plan, r.tag, r.image)!);
  }

  #tagKey(plan: Plan, tag: string): string {
    return `${plan.repo.registry}/${plan.repo.repository}:${tag}`;
  }

  /** What `cacheByTag` knows of a tag, if enough for this subscription. */
  #cachedImage(plan: Plan, tag: string): ResolvedImage | undefined {
    if (!plan.cacheByTag) return undefined;
    const cached = this.#tagCache.get(this.#tagKey(plan, tag));
    if (
      cached &&
      (cached.described || !this.#needsManifest(plan)) &&
      (!plan.needCreatedAt || cached.createdAt !== undefined)
    ) {
      return cached;
    }
    return undefined;
  }

  /** Whether resolving the tag takes a HEAD (always, unless `cacheByTag`). */
  #needsHead(plan: Plan, tag: string): boolean {
    return !plan.cacheByTag || !this.#cachedImage(plan, tag);
  }

  /** The image behind a listed tag (cacheByTag first, else HEAD). */
  async #resolveTag(
    plan: Plan,
    tag: string,
    early?: EarlyHeads,
  ): Promise<ResolvedImage> {
    const cached = this.#cachedImage(plan, tag);
    if (cached) return cached;
    const key = this.#tagKey(plan, tag);
    // A HEAD started while the tags were listed: its answer, or its
    // failure as the registry's (a retry would double the requests of a
    // registry that answers 429 or 5xx). When it found nothing, HEAD again
    // now that the list says the tag exists.
    const started = early?.get(tag);
    early?.delete(tag);
    const head =
      (started &&
        (await started.catch(e => {
          if (e instanceof DiscoveryError) throw e;
          return undefined;
        }))) ??
      (await this.#client.headManifest(plan.repo, tag, plan.request));
    if (!head) {
      throw new DiscoveryError(
        'NotFound',
        `registry ${plan.repo.registry} listed tag ${tag} of ${plan.repo.repository} but has no manifest for it`,
      );
    }
    const image = await this.#describe(plan, tag, head);
    if (plan.cacheByTag) this.#tagCache.set(key, image);
    return image;
  }

  #needsManifest(plan: Plan): boolean {
    return this.#recordAnnotations || !!plan.platform || plan.needCreatedAt;
  }

  /**
   * Reads what the strategy needs about a digest: nothing more than the
   * HEAD for SemVer/Lexical/Digest without annotations or platform; the
   * manifest (cached by digest) for annotations and platforms; configs and
   * platform images only for NewestBuild's creation time.
   */
  async #describe(
    plan: Plan,
    tag: string,
    head: ManifestHead,
  ): Promise<ResolvedImage> {
    const known =
      isIndexMediaType(head.mediaType) ||
      isImageManifestMediaType(head.mediaType);
    if (!this.#needsManifest(plan) && known) {
      return { digest: head.digest, described: false };
    }
    const fetched = await this.#client.getManifest(
      plan.repo,
      head.digest,
      plan.request,
    );
    const { manifest } = fetched;
    if (isIndexMediaType(fetched.mediaType)) {
      const platforms = (manifest.manifests ?? [])
        .filter(d => {
          const p = d.platform;
          return (
            p?.os &&
            p.os !== 'unknown' &&
            p.architecture &&
            p.architecture !== 'unknown'
          );
        })
        .map(d => ({
          os: d.platform!.os!,
          arch: d.platform!.architecture!,
          variant: d.platform!.variant,
          annotations: d.annotations,
          digest: d.digest,
        }));
      if (platforms.length === 0) {
        throw new DiscoveryError(
          'InvalidResponse',
          `tag ${tag} of ${plan.repo.repository} is an empty V2 manifest list or OCI index (no platform images), which is not supported`,
        );
      }
      let createdAt: number | undefined;
      if (plan.needCreatedAt) {
        createdAt = creationTimeFromMetadata(manifest.annotations);
        if (createdAt === undefined) {
          for (const p of platforms) {
            const t =
              creationTimeFromMetadata(p.annotations) ??
              (await this.#imageCreatedAt(plan, tag, p.digest));
            if (createdAt === undefined || t > createdAt) createdAt = t;
          }
        }
      }
      return {
        digest: fetched.digest,
        annotations: manifest.annotations,
        platforms: platforms.map(({ digest: _d, ...p }) => p),
        createdAt,
        described: true,
      };
    }
    if (isImageManifestMediaType(fetched.mediaType)) {
      return {
        digest: fetched.digest,
        annotations: manifest.annotations,
        createdAt: plan.needCreatedAt
          ? await this.#manifestCreatedAt(plan, tag, fetched)
          : undefined,
        described: true,
      };
    }
    throw new DiscoveryError(
      'InvalidResponse',
      `tag ${tag} of ${
        plan.repo.repository
      } is not an image (unknown artifact type ${
        fetched.mediaType || 'unknown'
      })`,
    );
  }

  async #imageCreatedAt(plan: Plan, tag: string, digest: string) {
    const fetched = await this.#client.getManifest(
      plan.repo,
      digest,
      plan.request,
    );
    if (!isImageManifestMediaType(fetched.mediaType)) {
      throw new DiscoveryError(
        'InvalidResponse',
        `tag ${tag} of ${plan.repo.repository}: platform entry ${digest} is not an image manifest`,
      );
    }
    return this.#manifestCreatedAt(plan, tag, fetched);
  }

  async #manifestCreatedAt(
    plan: Plan,
    tag: string,
    fetched: FetchedManifest,
  ): Promise<number> {
    const { manifest } = fetched;
    const fromAnnotations = creationTimeFromMetadata(manifest.annotations);
    if (fromAnnotations !== undefined) return fromAnnotations;
    if (!manifest.config?.digest) {
      throw new DiscoveryError(
        'InvalidResponse',
        `tag ${tag} of ${plan.repo.repository}: manifest ${fetched.digest} has no config`,
      );
    }
    const config = (await this.#client.getJsonBlob(
      plan.repo,
      manifest.config.digest,
      plan.request,
    )) as { created?: unknown; config?: { Labels?: unknown } } | null;
    const labels = config?.config?.Labels;
    return imageCreationTime(
      undefined,
      labels && typeof labels === 'object'
        ? (labels as Record<string, string>)
        : undefined,
      typeof config?.created === 'string' ? config.created : undefined,
    );
  }

  #platformOf(plan: Plan, image: ResolvedImage) {
    return image.platforms?.find(p => platformMatches(plan.platform!, p));
  }

  /** Kargo's imagesToAPIImages for one image; undefined if filtered out. */
  #toReference(
    plan: Plan,
    tag: string,
    image: ResolvedImage,
  ): DiscoveredImageReference | undefined {
    let annotations = image.annotations ? { ...image.annotations } : undefined;
    if (plan.platform) {
      // Kargo: a single-platform manifest has no platform list, so it never
      // satisfies a platform constraint.
      const p = this.#platformOf(plan, image);
      if (!p) return undefined;
      if (p.annotations) annotations = { ...annotations, ...p.annotations };
    }
    const ref: DiscoveredImageReference = { tag, digest: image.digest };
    if (
      this.#recordAnnotations &&
      annotations &&
      Object.keys(annotations).length
    ) {
      ref.annotations = annotations;
    }
    if (plan.needCreatedAt && image.createdAt !== undefined) {
      ref.createdAt = formatTime(image.createdAt);
    }
    return ref;
  }
}
