import { BlockList, isIP } from 'node:net';

/**
 * One parsed `kargo.promotions.egress.allow|deny` list: exact hostnames,
 * `*.suffix` hostname patterns, and IP addresses / CIDR ranges.
 */
export class EgressRuleSet {
  private readonly hosts = new Set<string>();
  private readonly suffixes: string[] = [];
  private readonly addresses = new BlockList();
  readonly size: number;

  constructor(entries: readonly string[], listName: string) {
    for (const raw of entries) {
      this.add(raw, listName);
    }
    this.size = entries.length;
  }

  private add(raw: string, listName: string): void {
    const entry = raw.trim().toLowerCase();
    const invalid = (why: string) =>
      new Error(`${listName}: "${raw}" is not valid: ${why}`);
    if (entry.includes('/')) {
      const [address, prefixText] = entry.split('/');
      const family = isIP(stripBrackets(address));
      const prefix = Number(prefixText);
      const max = family === 6 ? 128 : 32;
      if (!family || !/^\d+$/.test(prefixText) || prefix > max) {
        throw invalid('expected a CIDR range such as 10.0.0.0/8 or fd00::/8');
      }
      this.addresses.addSubnet(
        stripBrackets(address),
        prefix,
        family === 6 ? 'ipv6' : 'ipv4',
      );
      return;
    }
    const family = isIP(stripBrackets(entry));
    if (family) {
      this.addresses.addAddress(
        stripBrackets(entry),
        family === 6 ? 'ipv6' : 'ipv4',
      );
      return;
    }
    const wildcard = entry.startsWith('*.');
    const host = normalizeHostname(wildcard ? entry.slice(2) : entry);
    if (
      !/^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/.test(
        host,
      )
    ) {
      throw invalid(
        'expected a hostname, a *.suffix pattern, an IP address or a CIDR range',
      );
    }
    if (wildcard) this.suffixes.push(`.${host}`);
    else this.hosts.add(host);
  }

  /** Whether a (normalised) hostname is listed, exactly or under a `*.suffix`. */
  matchesHostname(hostname: string): boolean {
    return (
      this.hosts.has(hostname) ||
      this.suffixes.some(suffix => hostname.endsWith(suffix))
    );
  }

  /**
   * Whether an IP address is listed. IPv4 addresses embedded in IPv6 ones
   * (IPv4-mapped ::ffff:a.b.c.d, NAT64 64:ff9b::a.b.c.d) are checked as the
   * IPv4 address they reach too.
   */
  matchesAddress(address: string): boolean {
    const family = isIP(address);
    if (!family) return false;
    if (this.addresses.check(address, family === 6 ? 'ipv6' : 'ipv4')) {
      return true;
    }
    const embedded = family === 6 ? embeddedIPv4(address) : undefined;
    return embedded !== undefined && this.addresses.check(embedded, 'ipv4');
  }
}

export function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** Lower case, no brackets, no trailing dot ("metadata.google.internal."). */
export function normalizeHostname(host: string): string {
  return stripBrackets(host).toLowerCase().replace(/\.+$/, '');
}

/** The 8 16-bit groups of a valid IPv6 address (zone id ignored). */
function ipv6Groups(address: string): number[] {
  let text = address.split('%')[0];
  const dotted = /^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(2).map(Number);
    text = `${dotted[1]}${((a << 8) | b).toString(16)}:${(
      (c << 8) |
      d
    ).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const parse = (part: string | undefined) =>
    part ? part.split(':').map(group => parseInt(group, 16)) : [];
  const left = parse(head);
  const right = parse(tail);
  const zeros = new Array(8 - left.length - right.length).fill(0);
  return tail === undefined ? left : [...left, ...zeros, ...right];
}

function embeddedIPv4(address: string): string | undefined {
  const g = ipv6Groups(address);
  const mapped = g.slice(0, 5).every(x => x === 0) && g[5] === 0xffff;
  const nat64 =
    g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every(x => x === 0);
  if (!mapped && !nat64) return undefined;
  return [g[6] >> 8, g[6] & 0xff, g[7] >> 8, g[7] & 0xff].join('.');
}
