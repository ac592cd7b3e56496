/*
 * A re-implementation of the parts of Go's net/url (as of Go 1.26) that Kargo's
 * URL normalisation relies on: url.Parse, URL.String, URL.Query (only whether
 * it is empty) and the escaping rules behind them. It follows Go's behaviour,
 * including its quirks, rather than the WHATWG URL standard, because Kargo's
 * Freight names are computed from what Go prints.
 *
 * Every function here works on byte strings (see goText.ts): one JS char per
 * byte of the UTF-8 encoded URL, exactly as Go indexes a string.
 *
 * Internal to the freight module; not part of the package's public API.
 */

type Mode =
  | 'path'
  | 'pathSegment'
  | 'host'
  | 'zone'
  | 'userPassword'
  | 'queryComponent'
  | 'fragment';

export interface GoUserinfo {
  username: string;
  password: string;
  passwordSet: boolean;
}

/** The fields of Go's url.URL, as byte strings. */
export interface GoURL {
  scheme: string;
  opaque: string;
  user: GoUserinfo | null;
  host: string;
  path: string;
  rawPath: string;
  omitHost: boolean;
  forceQuery: boolean;
  rawQuery: string;
  fragment: string;
  rawFragment: string;
}

const UPPER_HEX = '0123456789ABCDEF';

function isAlnum(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) || // a-z
    (c >= 0x41 && c <= 0x5a) || // A-Z
    (c >= 0x30 && c <= 0x39) // 0-9
  );
}

function isHexDigit(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) ||
    (c >= 0x61 && c <= 0x66) ||
    (c >= 0x41 && c <= 0x46)
  );
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return 0;
}

/** Go's shouldEscape: whether byte c must be %-escaped in the given URL component. */
function shouldEscape(c: number, mode: Mode): boolean {
  if (isAlnum(c)) {
    return false;
  }
  const ch = String.fromCharCode(c);
  if (
    (mode === 'host' || mode === 'zone') &&
    `!$&'()*+,;=:[]<>"`.includes(ch)
  ) {
    return false;
  }
  if ('-_.~'.includes(ch)) {
    return false;
  }
  if ('$&+,/:;=?@'.includes(ch)) {
    switch (mode) {
      case 'path':
        return ch === '?';
      case 'pathSegment':
        return ch === '/' || ch === ';' || ch === ',' || ch === '?';
      case 'userPassword':
        return ch === '@' || ch === '/' || ch === '?' || ch === ':';
      case 'queryComponent':
        return true;
      case 'fragment':
        return false;
      default:
        break;
    }
  }
  if (mode === 'fragment' && '!()*'.includes(ch)) {
    return false;
  }
  return true;
}

/** Go's unescape; null where Go returns an error. */
function unescape(s: string, mode: Mode): string | null {
  let percentCount = 0;
  let hasPlus = false;
  for (let i = 0; i < s.length; ) {
    const c = s.charCodeAt(i);
    if (c === 0x25 /* % */) {
      percentCount++;
      if (
        i + 2 >= s.length ||
        !isHexDigit(s.charCodeAt(i + 1)) ||
        !isHexDigit(s.charCodeAt(i + 2))
      ) {
        return null;
      }
      const escaped = s.slice(i, i + 3);
      if (
        mode === 'host' &&
        hexValue(s.charCodeAt(i + 1)) < 8 &&
        escaped !== '%25'
      ) {
        return null;
      }
      if (mode === 'zone') {
        const v =
          (hexValue(s.charCodeAt(i + 1)) << 4) | hexValue(s.charCodeAt(i + 2));
        if (escaped !== '%25' && v !== 0x20 && shouldEscape(v, 'host')) {
          return null;
        }
      }
      i += 3;
    } else if (c === 0x2b /* + */) {
      hasPlus = mode === 'queryComponent';
      i++;
    } else {
      if (
        (mode === 'host' || mode === 'zone') &&
        c < 0x80 &&
        shouldEscape(c, mode)
      ) {
        return null;
      }
      i++;
    }
  }
  if (percentCount === 0 && !hasPlus) {
    return s;
  }
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25) {
      out += String.fromCharCode(
        (hexValue(s.charCodeAt(i + 1)) << 4) | hexValue(s.charCodeAt(i + 2)),
      );
      i += 2;
    } else if (c === 0x2b) {
      out += mode === 'queryComponent' ? ' ' : '+';
    } else {
      out += s[i];
    }
  }
  return out;
}

/** Go's escape. */
function escape(s: string, mode: Mode): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (shouldEscape(c, mode)) {
      if (c === 0x20 && mode === 'queryComponent') {
        out += '+';
      } else {
        out += `%${UPPER_HEX[c >> 4]}${UPPER_HEX[c & 15]}`;
      }
    } else {
      out += s[i];
    }
  }
  return out;
}

/** Go's validEncoded. */
function validEncoded(s: string, mode: Mode): boolean {
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (`!$&'()*+,;=:@[]%`.includes(ch)) {
      continue;
    }
    if (shouldEscape(s.charCodeAt(i), mode)) {
      return false;
    }
  }
  return true;
}

/** Go's validOptionalPort: "" or /^:\d*$/. */
function validOptionalPort(port: string): boolean {
  return port === '' || /^:[0-9]*$/.test(port);
}

/** Go's validUserinfo (RFC 3986 userinfo characters, plus '@' and '%'). */
function validUserinfo(s: string): boolean {
  return /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(s);
}

function containsControlByte(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) {
      return true;
    }
  }
  return false;
}

/**
 * Whether s parses as an IPv6 address (optionally with a zone) under Go's
 * netip.ParseAddr; IPv4 addresses and anything unparsable give false. This is
 * what Go's url.Parse requires of a bracketed host.
 */
export function isGoIPv6Literal(input: string): boolean {
  for (let i = 0; i < input.length; i++) {
    const ch = input[i];
    if (ch === ':') {
      return parseIPv6(input);
    }
    if (ch === '.' || ch === '%') {
      // '.' first: an IPv4 address (rejected in brackets) or garbage;
      // '%' first: a zone without an address.
      return false;
    }
  }
  return false;
}

/** Go's netip parseIPv4Fields, reduced to success or failure. */
function validIPv4Fields(s: string): boolean {
  let value = 0;
  let digits = 0;
  let fields = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch >= '0' && ch <= '9') {
      if (digits === 1 && value === 0) {
        return false; // leading zero
      }
      value = value * 10 + (ch.charCodeAt(0) - 0x30);
      digits++;
      if (value > 255) {
        return false;
      }
    } else if (ch === '.') {
      if (i === 0 || i === s.length - 1 || s[i - 1] === '.') {
        return false;
      }
      if (fields === 3) {
        return false;
      }
      fields++;
      value = 0;
      digits = 0;
    } else {
      return false;
    }
  }
  return fields === 3;
}

/** Go's netip parseIPv6, reduced to success or failure. */
function parseIPv6(input: string): boolean {
  let s = input;
  const zoneStart = s.indexOf('%');
  if (zoneStart !== -1) {
    if (zoneStart === s.length - 1) {
      return false; // empty zone
    }
    s = s.slice(0, zoneStart);
  }
  let ellipsis = -1;
  if (s.length >= 2 && s[0] === ':' && s[1] === ':') {
    ellipsis = 0;
    s = s.slice(2);
    if (s.length === 0) {
      return true; // "::"
    }
  }
  let i = 0; // bytes of the address filled so far
  while (i < 16) {
    let off = 0;
    while (off < s.length && isHexDigit(s.charCodeAt(off))) {
      if (off > 3) {
        return false; // more than 4 hex digits in a group
      }
      off++;
    }
    if (off === 0) {
      return false;
    }
    if (off < s.length && s[off] === '.') {
      // Embedded IPv4 in the last 32 bits.
      if (ellipsis < 0 && i !== 12) {
        return false;
      }
      if (i + 4 > 16) {
        return false;
      }
      if (!validIPv4Fields(s)) {
        return false;
      }
      s = '';
      i += 4;
      break;
    }
    i += 2;
    s = s.slice(off);
    if (s.length === 0) {
      break;
    }
    if (s[0] !== ':' || s.length === 1) {
      return false;
    }
    s = s.slice(1);
    if (s[0] === ':') {
      if (ellipsis >= 0) {
        return false; // multiple "::"
      }
      ellipsis = i;
      s = s.slice(1);
      if (s.length === 0) {
        break;
      }
    }
  }
  if (s.length !== 0) {
    return false;
  }
  if (i < 16) {
    return ellipsis >= 0;
  }
  return ellipsis < 0; // "::" must stand for at least one zero group
}

/** Go's parseHost (Go 1.26 rules: bracketed hosts must be IPv6; strict colons for http/https). */
function parseHost(scheme: string, host: string): string | null {
  const openBracket = host.lastIndexOf('[');
  if (openBracket > 0) {
    return null;
  }
  if (openBracket === 0) {
    const closeBracket = host.lastIndexOf(']');
    if (closeBracket < 0) {
      return null;
    }
    const colonPort = host.slice(closeBracket + 1);
    if (!validOptionalPort(colonPort)) {
      return null;
    }
    const unescapedColonPort = unescape(colonPort, 'host');
    if (unescapedColonPort === null) {
      return null;
    }
    const hostname = host.slice(1, closeBracket);
    let unescapedHostname: string | null;
    const zone = hostname.indexOf('%25');
    if (zone >= 0) {
      const hostPart = unescape(hostname.slice(0, zone), 'host');
      const zonePart = unescape(hostname.slice(zone), 'zone');
      unescapedHostname =
        hostPart === null || zonePart === null ? null : hostPart + zonePart;
    } else {
      unescapedHostname = unescape(hostname, 'host');
    }
    if (unescapedHostname === null || !isGoIPv6Literal(unescapedHostname)) {
      return null;
    }
    return `[${unescapedHostname}]${unescapedColonPort}`;
  }
  let colon = host.indexOf(':');
  if (colon !== -1) {
    const lastColon = host.lastIndexOf(':');
    if (lastColon !== colon && scheme !== 'http' && scheme !== 'https') {
      colon = lastColon;
    }
    if (!validOptionalPort(host.slice(colon))) {
      return null;
    }
  }
  return unescape(host, 'host');
}

function parseAuthority(
  scheme: string,
  authority: string,
): { user: GoUserinfo | null; host: string } | null {
  const at = authority.lastIndexOf('@');
  const host = parseHost(scheme, at < 0 ? authority : authority.slice(at + 1));
  if (host === null) {
    return null;
  }
  if (at < 0) {
    return { user: null, host };
  }
  const userinfo = authority.slice(0, at);
  if (!validUserinfo(userinfo)) {
    return null;
  }
  const colon = userinfo.indexOf(':');
  if (colon < 0) {
    const username = unescape(userinfo, 'userPassword');
    return username === null
      ? null
      : { user: { username, password: '', passwordSet: false }, host };
  }
  const username = unescape(userinfo.slice(0, colon), 'userPassword');
  const password = unescape(userinfo.slice(colon + 1), 'userPassword');
  if (username === null || password === null) {
    return null;
  }
  return { user: { username, password, passwordSet: true }, host };
}

/** Go's getScheme; null where Go returns an error ("missing protocol scheme"). */
function getScheme(raw: string): { scheme: string; rest: string } | null {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)) {
      continue;
    }
    if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e) {
      if (i === 0) {
        return { scheme: '', rest: raw };
      }
      continue;
    }
    if (c === 0x3a /* : */) {
      if (i === 0) {
        return null;
      }
      return { scheme: raw.slice(0, i), rest: raw.slice(i + 1) };
    }
    return { scheme: '', rest: raw };
  }
  return { scheme: '', rest: raw };
}

/** Go's URL.setPath; false where Go returns an error. */
function setPath(url: GoURL, p: string): boolean {
  const path = unescape(p, 'path');
  if (path === null) {
    return false;
  }
  url.path = path;
  url.rawPath = escape(path, 'path') === p ? '' : p;
  return true;
}

function setFragment(url: GoURL, f: string): boolean {
  const fragment = unescape(f, 'fragment');
  if (fragment === null) {
    return false;
  }
  url.fragment = fragment;
  url.rawFragment = escape(fragment, 'fragment') === f ? '' : f;
  return true;
}

function parseWithoutFragment(raw: string): GoURL | null {
  if (containsControlByte(raw)) {
    return null;
  }
  const url: GoURL = {
    scheme: '',
    opaque: '',
    user: null,
    host: '',
    path: '',
    rawPath: '',
    omitHost: false,
    forceQuery: false,
    rawQuery: '',
    fragment: '',
    rawFragment: '',
  };
  if (raw === '*') {
    url.path = '*';
    return url;
  }
  const schemeAndRest = getScheme(raw);
  if (schemeAndRest === null) {
    return null;
  }
  url.scheme = schemeAndRest.scheme.toLowerCase();
  let rest = schemeAndRest.rest;

  if (rest.endsWith('?') && rest.indexOf('?') === rest.length - 1) {
    url.forceQuery = true;
    rest = rest.slice(0, -1);
  } else {
    const q = rest.indexOf('?');
    if (q >= 0) {
      url.rawQuery = rest.slice(q + 1);
      rest = rest.slice(0, q);
    }
  }

  if (!rest.startsWith('/')) {
    if (url.scheme !== '') {
      url.opaque = rest;
      return url;
    }
    const slash = rest.indexOf('/');
    const firstSegment = slash < 0 ? rest : rest.slice(0, slash);
    if (firstSegment.includes(':')) {
      return null;
    }
  }

  if ((url.scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    rest = '';
    const slash = authority.indexOf('/');
    if (slash >= 0) {
      rest = authority.slice(slash);
      authority = authority.slice(0, slash);
    }
    const parsed = parseAuthority(url.scheme, authority);
    if (parsed === null) {
      return null;
    }
    url.user = parsed.user;
    url.host = parsed.host;
  } else if (url.scheme !== '' && rest.startsWith('/')) {
    url.omitHost = true;
  }

  return setPath(url, rest) ? url : null;
}

/** Go's url.Parse; null where Go returns an error. Input and output are byte strings. */
export function parseGoURL(raw: string): GoURL | null {
  const hash = raw.indexOf('#');
  const withoutFragment = hash < 0 ? raw : raw.slice(0, hash);
  const fragment = hash < 0 ? '' : raw.slice(hash + 1);
  const url = parseWithoutFragment(withoutFragment);
  if (url === null) {
    return null;
  }
  if (fragment === '') {
    return url;
  }
  return setFragment(url, fragment) ? url : null;
}

function escapedPath(url: GoURL): string {
  if (url.rawPath !== '' && validEncoded(url.rawPath, 'path')) {
    const p = unescape(url.rawPath, 'path');
    if (p !== null && p === url.path) {
      return url.rawPath;
    }
  }
  if (url.path === '*') {
    return '*';
  }
  return escape(url.path, 'path');
}

function escapedFragment(url: GoURL): string {
  if (url.rawFragment !== '' && validEncoded(url.rawFragment, 'fragment')) {
    const f = unescape(url.rawFragment, 'fragment');
    if (f !== null && f === url.fragment) {
      return url.rawFragment;
    }
  }
  return escape(url.fragment, 'fragment');
}

function userinfoString(user: GoUserinfo): string {
  let s = escape(user.username, 'userPassword');
  if (user.passwordSet) {
    s += `:${escape(user.password, 'userPassword')}`;
  }
  return s;
}

/** Go's URL.String. */
export function goURLString(url: GoURL): string {
  let out = '';
  if (url.scheme !== '') {
    out += `${url.scheme}:`;
  }
  if (url.opaque !== '') {
    out += url.opaque;
  } else {
    if (url.scheme !== '' || url.host !== '' || url.user !== null) {
      if (!(url.omitHost && url.host === '' && url.user === null)) {
        if (url.host !== '' || url.path !== '' || url.user !== null) {
          out += '//';
        }
        if (url.user !== null) {
          out += `${userinfoString(url.user)}@`;
        }
        if (url.host !== '') {
          out += escape(url.host, 'host');
        }
      }
    }
    let path = escapedPath(url);
    if (
      url.omitHost &&
      url.host === '' &&
      url.user === null &&
      path.startsWith('//')
    ) {
      // Go escapes the first '/' so the path can't be re-read as an authority.
      out += '%2F';
      path = path.slice(1);
    }
    if (path !== '' && path[0] !== '/' && url.host !== '') {
      out += '/';
    }
    if (out === '') {
      const slash = path.indexOf('/');
      const firstSegment = slash < 0 ? path : path.slice(0, slash);
      if (firstSegment.includes(':')) {
        out += './';
      }
    }
    out += path;
  }
  if (url.forceQuery || url.rawQuery !== '') {
    out += `?${url.rawQuery}`;
  }
  if (url.fragment !== '') {
    out += `#${escapedFragment(url)}`;
  }
  return out;
}

/** Go's default limit on query parameters (GODEBUG urlmaxqueryparams). */
const MAX_QUERY_PARAMS = 10000;

/** Whether Go's URL.Query() would return a non-empty map for this raw query. */
export function goQueryHasValues(rawQuery: string): boolean {
  let ampersands = 0;
  for (let i = 0; i < rawQuery.length; i++) {
    if (rawQuery[i] === '&') ampersands++;
  }
  if (ampersands + 1 > MAX_QUERY_PARAMS) {
    return false; // ParseQuery fails outright and Query() returns an empty map
  }
  for (const pair of rawQuery.split('&')) {
    if (pair === '' || pair.includes(';')) {
      continue;
    }
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    const value = eq < 0 ? '' : pair.slice(eq + 1);
    if (
      unescape(key, 'queryComponent') !== null &&
      unescape(value, 'queryComponent') !== null
    ) {
      return true;
    }
  }
  return false;
}
