import type { Config } from '@backstage/config';
import { TerminalStepError } from '@kargo-backstage/plugin-kargo-node';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { EgressRuleSet, normalizeHostname } from './egressRules';

/**
 * Denied whatever the configuration says: addresses and names through which
 * a request from the backend's host reaches cloud instance metadata (and with
 * it the host's cloud credentials).
 */
export const DEFAULT_EGRESS_DENY: readonly string[] = [
  // IPv4 link-local: the 169.254.169.254 metadata service of AWS, GCP, Azure,
  // Oracle, DigitalOcean, OpenStack, Hetzner…; AWS ECS task metadata
  // 169.254.170.2; EKS Pod Identity 169.254.170.23; Tencent 169.254.0.23.
  '169.254.0.0/16',
  // IPv6 link-local.
  'fe80::/10',
  // AWS instance metadata and EKS Pod Identity agent over IPv6.
  'fd00:ec2::254',
  'fd00:ec2::23',
  // Alibaba Cloud metadata.
  '100.100.100.200',
  // Azure WireServer (host agent, VM extension settings).
  '168.63.129.16',
  // Oracle Cloud Infrastructure legacy metadata.
  '192.0.0.192',
  // Names of metadata services (they resolve to the addresses above on the
  // host, but a proxy or resolver might map them elsewhere).
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'metadata.azure.com',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.tencentyun.com',
  'metadata.platformequinix.com',
  'metadata.packet.net',
];

export type ResolvedAddress = { address: string; family: number };
/** Resolves a hostname to every address it has (A and AAAA). */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** A request the egress policy refuses: no retry can change that. */
export class EgressDeniedError extends TerminalStepError {
  constructor(message: string) {
    super(message);
    this.name = 'EgressDeniedError';
  }
}

const systemResolver: HostResolver = hostname =>
  lookup(hostname, { all: true, verbatim: true });

/**
 * Which hosts promotion steps may send HTTP requests to.
 *
 * A connection is refused when its hostname or the IP address actually
 * connected to is denied (the defaults above, plus `deny`), and, when
 * `allow` is not empty, unless the hostname or the address is allowed.
 * Deny wins over allow. Hostnames are resolved here and the connection is
 * made to an address that passed the check, so a DNS answer that changes
 * between check and connect (rebinding) cannot lead elsewhere.
 */
export class EgressPolicy {
  private readonly allow: EgressRuleSet;
  private readonly deny: EgressRuleSet;
  private readonly resolver: HostResolver;

  constructor(
    options: {
      allow?: readonly string[];
      deny?: readonly string[];
      /** DNS resolution; the system resolver (getaddrinfo) by default. */
      resolver?: HostResolver;
    } = {},
  ) {
    this.allow = new EgressRuleSet(
      options.allow ?? [],
      'kargo.promotions.egress.allow',
    );
    this.deny = new EgressRuleSet(
      [...DEFAULT_EGRESS_DENY, ...(options.deny ?? [])],
      'kargo.promotions.egress.deny',
    );
    this.resolver = options.resolver ?? systemResolver;
  }

  /** Reads `kargo.promotions.egress.allow` and `.deny` (lists of strings). */
  static fromConfig(
    config: Config,
    options: { resolver?: HostResolver } = {},
  ): EgressPolicy {
    return new EgressPolicy({
      allow: config.getOptionalStringArray('kargo.promotions.egress.allow'),
      deny: config.getOptionalStringArray('kargo.promotions.egress.deny'),
      resolver: options.resolver,
    });
  }

  /**
   * Checks what can be checked before resolving: the scheme, the hostname,
   * and the address when the URL names one. Throws an EgressDeniedError.
   */
  checkUrl(url: URL): void {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new EgressDeniedError(
        `${url.protocol.replace(
          /:$/,
          '',
        )} URLs are not supported; use http or https`,
      );
    }
    const host = normalizeHostname(url.hostname);
    if (this.deny.matchesHostname(host)) {
      throw new EgressDeniedError(
        `requests to ${host} are denied by the egress policy`,
      );
    }
    if (isIP(host)) {
      this.checkAddress(host, host);
    }
  }

  /**
   * The addresses of `hostname` that may be connected to; throws an
   * EgressDeniedError when there are none. Denied addresses among others
   * are left out, so the connection can only go to a checked one.
   */
  async resolveAllowed(hostname: string): Promise<ResolvedAddress[]> {
    const host = normalizeHostname(hostname);
    if (isIP(host)) {
      this.checkAddress(host, host);
      return [{ address: host, family: isIP(host) }];
    }
    const addresses = await this.resolver(host);
    const allowed = addresses.filter(
      a => this.denial(host, a.address) === undefined,
    );
    if (allowed.length === 0) {
      const reason = addresses.length
        ? this.denial(host, addresses[0].address)
        : 'it has no addresses';
      throw new EgressDeniedError(
        `requests to ${host} are denied by the egress policy: ${reason}`,
      );
    }
    return allowed;
  }

  private checkAddress(host: string, address: string): void {
    const reason = this.denial(host, address);
    if (reason) {
      throw new EgressDeniedError(
        `requests to ${host} are denied by the egress policy: ${reason}`,
      );
    }
  }

  /** Why connecting to `address` for `host` is denied, or undefined. */
  private denial(host: string, address: string): string | undefined {
    if (this.deny.matchesHostname(host)) return `${host} is denied`;
    if (this.deny.matchesAddress(address))
      return `address ${address} is denied`;
    if (
      this.allow.size > 0 &&
      !this.allow.matchesHostname(host) &&
      !this.allow.matchesAddress(address)
    ) {
      return host === address
        ? `${address} is not in kargo.promotions.egress.allow`
        : `${host} (${address}) is not in kargo.promotions.egress.allow`;
    }
    return undefined;
  }
}
