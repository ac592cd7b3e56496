import { TerminalStepError } from '@kargo-backstage/plugin-kargo-node';
import { ForgeHttpError } from './forgeHttp';

/** Who was being talked to, for error messages that say what to fix. */
export type ForgeTarget = {
  kind: 'github' | 'gitlab';
  host: string;
  /** Credentials in use, scrubbed from every message. */
  secrets: string[];
};

/** `text` with every secret replaced, so no token reaches logs or status. */
export function redact(text: string, secrets: string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) result = result.split(secret).join('***');
  }
  return result;
}

function rateLimited(error: ForgeHttpError): boolean {
  return (
    error.headers['x-ratelimit-remaining'] === '0' ||
    error.headers['retry-after'] !== undefined ||
    /rate limit/i.test(error.detail)
  );
}

/**
 * The error a step should throw for a failed forge call: a TerminalStepError
 * when retrying cannot help (rejected credentials, no permission, no such
 * repository or PR, invalid request), a plain Error for what may pass
 * (network trouble, rate limits, 5xx). Messages never carry a token.
 */
export function toStepError(
  error: unknown,
  action: string,
  target: ForgeTarget,
): Error {
  if (error instanceof TerminalStepError) {
    return new TerminalStepError(redact(error.message, target.secrets));
  }
  const where = `${target.host} (integrations.${target.kind})`;
  if (!(error instanceof ForgeHttpError)) {
    const message = error instanceof Error ? error.message : String(error);
    return new Error(redact(`${action}: ${message}`, target.secrets));
  }
  const detail = error.detail ? `: ${error.detail}` : '';
  const say = (text: string) => redact(text, target.secrets);
  switch (true) {
    case error.status === 401:
      return new TerminalStepError(
        say(
          `${action}: ${target.host} rejected the credentials (HTTP 401${detail}); check the token configured for ${where}`,
        ),
      );
    case (error.status === 403 || error.status === 429) && rateLimited(error):
      return new Error(
        say(
          `${action}: rate limited by ${target.host} (HTTP ${error.status}${detail})`,
        ),
      );
    case error.status === 403:
      return new TerminalStepError(
        say(
          `${action}: the credentials for ${where} are not allowed to do this (HTTP 403${detail})`,
        ),
      );
    case error.status === 404:
      return new TerminalStepError(
        say(
          `${action}: not found on ${target.host} (HTTP 404${detail}); check repoURL and that the credentials for ${where} can see the repository`,
        ),
      );
    case error.status >= 500 || error.status === 429 || error.status === 408:
      return new Error(
        say(`${action}: ${target.host} answered HTTP ${error.status}${detail}`),
      );
    default:
      return new TerminalStepError(
        say(`${action}: ${target.host} answered HTTP ${error.status}${detail}`),
      );
  }
}
