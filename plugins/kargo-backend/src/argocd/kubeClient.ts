import {
  ApiException,
  type ConfigurationOptions,
  KubeConfig,
  Observable,
  type ObservableMiddleware,
} from '@kubernetes/client-node';
import type { ArgoCDInstance } from './argocdSettings';

/**
 * A KubeConfig for one instance, built in memory (cluster, user, context)
 * so that no kubeconfig file or in-cluster service account is involved.
 */
export function kubeConfigFor(instance: ArgoCDInstance): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [
      {
        name: 'argocd',
        server: instance.url,
        caData: instance.caData,
        skipTLSVerify: instance.skipTLSVerify,
      },
    ],
    users: [{ name: 'kargo', token: instance.token }],
    contexts: [{ name: 'kargo', cluster: 'argocd', user: 'kargo' }],
    currentContext: 'kargo',
  });
  return kubeConfig;
}

/**
 * Per-request options: the step's abort signal (so an aborted or timed-out
 * Promotion stops waiting on the API server) and, for patches, the patch
 * type (the generated client would otherwise send JSON Patch).
 */
export function requestOptions(
  signal: AbortSignal,
  contentType?: string,
): ConfigurationOptions<ObservableMiddleware> {
  const middleware: ObservableMiddleware = {
    pre: context => {
      context.setSignal(signal);
      if (contentType) context.setHeaderParam('Content-Type', contentType);
      return new Observable(Promise.resolve(context));
    },
    post: response => new Observable(Promise.resolve(response)),
  };
  return { middleware: [middleware], middlewareMergeStrategy: 'append' };
}

export function statusCodeOf(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
}

/** The API server's own explanation (a Status object's `message`). */
function serverMessage(error: ApiException<unknown>): string {
  let body = error.body as unknown;
  if (typeof body === 'string') {
    const text = body;
    try {
      body = JSON.parse(text);
    } catch {
      return text.slice(0, 300);
    }
  }
  const message = (body as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : '';
}

/**
 * A Kubernetes API failure as one line that says what to fix: the
 * generated client's own message is a dump of status, body and headers.
 */
export function describeKubeError(
  error: unknown,
  instance: ArgoCDInstance,
): string {
  const where = `the Kubernetes API server of Argo CD at ${instance.url} (shard "${instance.shard}")`;
  if (error instanceof ApiException) {
    const detail = serverMessage(error);
    if (error.code === 401) {
      return `${where} refused Kargo's credentials (401 Unauthorized): check ${instance.configPath}.token`;
    }
    if (error.code === 403) {
      return `${where} forbids it (403 Forbidden${
        detail ? `: ${detail}` : ''
      }): the token of ${
        instance.configPath
      } needs get, list, update and patch on applications.argoproj.io`;
    }
    return `${where} answered ${error.code}${detail ? `: ${detail}` : ''}`;
  }
  const cause = (error as { cause?: { code?: string } })?.cause?.code;
  const message = (error as Error)?.message ?? String(error);
  return `cannot reach ${where}: ${message}${
    cause && !message.includes(cause) ? ` (${cause})` : ''
  }`;
}
