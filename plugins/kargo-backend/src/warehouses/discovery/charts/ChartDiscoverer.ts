import type {
  ChartSubscription,
  MastermindsVersion,
} from '@kargo-backstage/plugin-kargo-common';
import { RegistryClient } from '../registry';
import { DiscoveredCharts, DiscoveryContext, DiscoveryError } from '../types';
import {
  compileConstraint,
  parseOciTagVersion,
  selectVersions,
} from './chartVersions';
import { fetchHelmIndex, HelmIndexCache } from './helmIndex';
import { displayURL } from './httpRequest';
import { OciTagLister, parseOciChartURL } from './ociTags';
import { RegistryClientTagLister } from './registryClientTagLister';

export type ChartDiscovererOptions = {
  /** Parsed index.yaml files, revalidated with ETag / Last-Modified. */
  indexCache?: HelmIndexCache;
  /**
   * Lists OCI tags; defaults to the shared registry client
   * ({@link RegistryClientTagLister}).
   */
  ociTagLister?: OciTagLister;
  /** Per request: until headers, then between body chunks. Default 30 s. */
  requestTimeoutMs?: number;
  /** Largest index.yaml accepted. Default 128 MiB. */
  maxIndexBytes?: number;
};

const DEFAULT_DISCOVERY_LIMIT = 20;

/**
 * A `chart` subscription. `name` is the chart's name (classic repositories);
 * `subscriptionName` is the Warehouse subscription's own optional name,
 * copied to the result.
 */
export type ChartDiscoverySubscription = ChartSubscription & {
  name?: string;
  subscriptionName?: string;
};

/**
 * Discovers the versions of a Helm chart, as Kargo's chart subscriber does:
 * from a classic repository's index.yaml or from an OCI repository's tags,
 * filtered by `semverConstraint`, highest first, at most `discoveryLimit`.
 *
 * Unlike Kargo, which returns an empty list (and then marks the Warehouse
 * with NoChartVersionsDiscovered), a chart missing from the index or no
 * version matching the constraint is a {@link DiscoveryError} ("NotFound").
 */
export class ChartDiscoverer {
  private readonly indexCache: HelmIndexCache;
  private readonly ociTagLister: OciTagLister;
  private readonly requestTimeoutMs: number;
  private readonly maxIndexBytes: number;

  constructor(options: ChartDiscovererOptions = {}) {
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.maxIndexBytes = options.maxIndexBytes ?? 128 * 1024 * 1024;
    this.indexCache = options.indexCache ?? new HelmIndexCache();
    this.ociTagLister =
      options.ociTagLister ??
      new RegistryClientTagLister(
        new RegistryClient({ timeoutMs: this.requestTimeoutMs }),
      );
  }

  async discover(
    subscription: ChartDiscoverySubscription,
    context: DiscoveryContext,
  ): Promise<DiscoveredCharts> {
    const { repoURL, semverConstraint } = subscription;
    const chartName = subscription.name || undefined;
    const limit = subscription.discoveryLimit || DEFAULT_DISCOVERY_LIMIT;
    const matches = compileConstraint(semverConstraint || undefined);
    const where = displayURL(repoURL);

    let candidates: readonly MastermindsVersion[];
    if (/^https?:\/\//.test(repoURL)) {
      if (!chartName) {
        throw new DiscoveryError(
          'InvalidSubscription',
          `chart subscription to ${where} has no name: a classic (http/https) chart repository needs the chart's name`,
        );
      }
      const credentials = await context.credentials.lookup('helm', repoURL);
      const index = await fetchHelmIndex(repoURL, {
        credentials,
        insecureSkipTLSVerify: subscription.insecureSkipTLSVerify,
        timeoutMs: this.requestTimeoutMs,
        maxIndexBytes: this.maxIndexBytes,
        signal: context.signal,
        cache: this.indexCache,
      });
      const found = index.charts.get(chartName);
      if (!found) {
        throw new DiscoveryError(
          'NotFound',
          `chart "${chartName}" is not in the index of chart repository ${where}: check the chart name (it is case-sensitive) and repoURL`,
        );
      }
      candidates = found;
    } else if (repoURL.startsWith('oci://')) {
      if (chartName) {
        throw new DiscoveryError(
          'InvalidSubscription',
          `chart subscription to ${where} has a name: for oci:// repositories the URL names the chart, remove "name"`,
        );
      }
      const repo = parseOciChartURL(
        repoURL,
        subscription.insecureSkipTLSVerify ?? false,
      );
      const credentials = await context.credentials.lookup('helm', repoURL);
      const tags = await this.ociTagLister.listTags(repo, credentials, {
        signal: context.signal,
      });
      candidates = tags
        .map(parseOciTagVersion)
        .filter((v): v is MastermindsVersion => v !== undefined);
    } else {
      throw new DiscoveryError(
        'InvalidSubscription',
        `chart repoURL ${where} must start with https://, http:// or oci://`,
      );
    }

    const versions = selectVersions(candidates, matches, limit);
    if (versions.length === 0) {
      const what = chartName ? `chart "${chartName}" in ${where}` : where;
      throw new DiscoveryError(
        'NotFound',
        candidates.length === 0
          ? `${what} has no semantic versions`
          : `none of the ${candidates.length} versions of ${what} satisfies semverConstraint "${semverConstraint}": check the constraint (prereleases match only if it mentions one)`,
      );
    }
    return {
      repoURL,
      ...(chartName ? { name: chartName } : {}),
      ...(semverConstraint ? { semverConstraint } : {}),
      ...(subscription.subscriptionName
        ? { subscriptionName: subscription.subscriptionName }
        : {}),
      versions,
    };
  }
}
