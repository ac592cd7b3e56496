import { DiscoveryError, DiscoveryFailureReason } from '../types';

/**
 * Removes secrets from text that may end up in a message or a log: the
 * given secrets (verbatim and URL-encoded) and any password in a URL's user
 * info.
 */
export function scrubSecrets(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret) continue;
    const forms = new Set([secret, encodeURIComponent(secret)]);
    for (const form of forms) out = out.split(form).join('***');
  }
  // scheme://user:password@host → scheme://user:***@host
  return out.replace(
    /([a-z][a-z0-9+.-]*:\/\/[^\s/:@'"]*):[^\s/@'"]*@/gi,
    '$1:***@',
  );
}

/** A URL safe to show: without any password in its user info. */
export function displayURL(url: string): string {
  return scrubSecrets(url, []);
}

type Rule = {
  reason: DiscoveryFailureReason;
  pattern: RegExp;
  explain: (url: string) => string;
};

const RULES: Rule[] = [
  {
    reason: 'Unauthorized',
    pattern:
      /Authentication failed|could not read (Username|Password)|terminal prompts disabled|returned error: 40[13]|HTTP Basic: Access denied|Permission denied \(publickey|access denied|invalid credentials/i,
    explain: url =>
      `Git repository ${url} refused access: check the credentials for it in kargo.credentials (type git)`,
  },
  {
    reason: 'NotFound',
    pattern:
      /Repository not found|repository '.*' not found|does not appear to be a git repository|returned error: 404|not a git repository|Could not find remote branch|couldn't find remote ref|No such file or directory/i,
    explain: url =>
      `Git repository ${url} was not found: check the repository URL (and that the credentials can see it)`,
  },
  {
    reason: 'Timeout',
    pattern: /Operation too slow|timed out|Timeout was reached/i,
    explain: url =>
      `Git repository ${url} did not answer in time: check the network path to it`,
  },
  {
    reason: 'Unreachable',
    pattern:
      /SSL certificate problem|server certificate verification failed|unable to get local issuer certificate/i,
    explain: url =>
      `Git repository ${url} presented a TLS certificate that could not be verified: install its CA or set insecureSkipTLSVerify`,
  },
  {
    reason: 'Unreachable',
    pattern:
      /Could not resolve host|Failed to connect|Connection refused|Couldn't connect to server|Network is unreachable|No route to host|Connection reset|Empty reply from server|unable to access|Could not resolve hostname|early EOF|the remote end hung up/i,
    explain: url =>
      `Git repository ${url} could not be reached: check the URL's host and port and the network path to it`,
  },
  {
    reason: 'ServerError',
    pattern: /returned error: 5\d\d/i,
    explain: url => `Git server for ${url} answered with a server error`,
  },
];

/** The last meaningful lines of git's stderr, for a message. */
function gitDetail(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map(l => l.trim())
    .filter(l => l && !/^(hint|warning):/i.test(l));
  return lines.slice(-3).join('; ').slice(0, 500);
}

/**
 * Turns a failed git process into a DiscoveryError whose reason says what
 * went wrong and whose message says what to do; no secret survives.
 */
export function gitFailure(options: {
  repoURL: string;
  operation: string;
  stderr: string;
  timedOut?: boolean;
  aborted?: boolean;
  timeoutMs?: number;
  secrets: string[];
}): DiscoveryError {
  const url = displayURL(options.repoURL);
  const scrub = (s: string) => scrubSecrets(s, options.secrets);
  if (options.aborted) {
    return new DiscoveryError(
      'Timeout',
      scrub(`${options.operation} for Git repository ${url} was cancelled`),
    );
  }
  if (options.timedOut) {
    return new DiscoveryError(
      'Timeout',
      scrub(
        `${
          options.operation
        } for Git repository ${url} took longer than ${Math.round(
          (options.timeoutMs ?? 0) / 1000,
        )}s and was stopped: check the network path to the repository or raise the timeout`,
      ),
    );
  }
  const detail = gitDetail(options.stderr);
  const rule = RULES.find(r => r.pattern.test(options.stderr));
  const reason = rule?.reason ?? 'ServerError';
  const head = rule
    ? rule.explain(url)
    : `${options.operation} for Git repository ${url} failed`;
  return new DiscoveryError(
    reason,
    scrub(`${head} (git: ${detail || 'no output'})`),
  );
}
