import {
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  type CoreV1Event,
} from '@kubernetes/client-node';
import {
  APPLICATIONS_PLURAL,
  ARGOCD_GROUP,
  ARGOCD_VERSION,
  REFRESH_ANNOTATION,
  type Application,
} from './application';
import type { ArgoCDInstance } from './argocdSettings';
import {
  describeKubeError,
  kubeConfigFor,
  requestOptions,
  statusCodeOf,
} from './kubeClient';

/** A Kubernetes API failure, described for people; `code` is the HTTP status. */
export class KubeApiError extends Error {
  constructor(message: string, readonly code: number | undefined) {
    super(message);
    this.name = 'KubeApiError';
  }
}

/** Read-modify-write rounds before giving up on a busy Application. */
const MAX_UPDATE_ATTEMPTS = 5;

const collection = (namespace: string) => ({
  group: ARGOCD_GROUP,
  version: ARGOCD_VERSION,
  plural: APPLICATIONS_PLURAL,
  namespace,
});

/**
 * Argo CD Applications of one instance, through the Kubernetes API
 * (`argoproj.io/v1alpha1`, `applications`). Objects are kept whole, so
 * writes preserve every field this suite does not model.
 */
export class ApplicationClient {
  private readonly custom: CustomObjectsApi;
  private readonly core: CoreV1Api;

  constructor(readonly instance: ArgoCDInstance) {
    const kubeConfig = kubeConfigFor(instance);
    this.custom = kubeConfig.makeApiClient(CustomObjectsApi);
    this.core = kubeConfig.makeApiClient(CoreV1Api);
  }

  /** The Application, or undefined when there is none. */
  async get(
    namespace: string,
    name: string,
    signal: AbortSignal,
  ): Promise<Application | undefined> {
    try {
      return (await this.custom.getNamespacedCustomObject(
        { ...collection(namespace), name },
        requestOptions(signal),
      )) as Application;
    } catch (error) {
      if (statusCodeOf(error) === 404) return undefined;
      throw this.wrap(error);
    }
  }

  /** Applications of a namespace matching a label selector string. */
  async list(
    namespace: string,
    labelSelector: string,
    signal: AbortSignal,
  ): Promise<Application[]> {
    try {
      const list = (await this.custom.listNamespacedCustomObject(
        { ...collection(namespace), labelSelector },
        requestOptions(signal),
      )) as { items?: Application[] };
      return (list.items ?? []).map(app => ({
        apiVersion: `${ARGOCD_GROUP}/${ARGOCD_VERSION}`,
        kind: 'Application',
        ...app,
      }));
    } catch (error) {
      throw this.wrap(error);
    }
  }

  /**
   * Reads the Application, lets `change` produce its new version (or
   * undefined: nothing to write) and replaces it guarded by the
   * resourceVersion read. When Argo CD or anyone else wrote in between
   * (409), it reads again and retries, a bounded number of times, so a
   * change is always computed from what is really there.
   */
  async update(
    namespace: string,
    name: string,
    change: (current: Application) => Application | undefined,
    signal: AbortSignal,
  ): Promise<Application | undefined> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.get(namespace, name, signal);
      if (!current) return undefined;
      const next = change(structuredClone(current));
      if (!next) return current;
      next.metadata.resourceVersion = current.metadata.resourceVersion;
      try {
        return (await this.custom.replaceNamespacedCustomObject(
          { ...collection(namespace), name, body: next },
          requestOptions(signal),
        )) as Application;
      } catch (error) {
        if (statusCodeOf(error) === 409 && attempt < MAX_UPDATE_ATTEMPTS) {
          continue;
        }
        throw this.wrap(error);
      }
    }
  }

  /** Asks Argo CD for a hard refresh (a merge patch of one annotation). */
  async requestHardRefresh(app: Application, signal: AbortSignal) {
    try {
      await this.custom.patchNamespacedCustomObject(
        {
          ...collection(app.metadata.namespace),
          name: app.metadata.name,
          body: { metadata: { annotations: { [REFRESH_ANNOTATION]: 'hard' } } },
        },
        requestOptions(signal, PatchStrategy.MergePatch),
      );
    } catch (error) {
      throw this.wrap(error);
    }
  }

  /** Records a core/v1 Event on the Application, as Argo CD's API server does. */
  async recordEvent(event: CoreV1Event, signal: AbortSignal) {
    try {
      await this.core.createNamespacedEvent(
        { namespace: event.metadata.namespace!, body: event },
        requestOptions(signal),
      );
    } catch (error) {
      throw this.wrap(error);
    }
  }

  private wrap(error: unknown): Error {
    if ((error as Error)?.name === 'AbortError') return error as Error;
    return new KubeApiError(
      describeKubeError(error, this.instance),
      statusCodeOf(error),
    );
  }
}
