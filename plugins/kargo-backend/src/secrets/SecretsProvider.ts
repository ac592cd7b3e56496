/**
 * Where receiver (and other) secrets come from. Kargo keeps them in
 * Kubernetes Secrets: a project's in the project namespace, cluster-level
 * ones in the system resources namespace. Here `project` undefined means a
 * shared (cluster-level) secret.
 */
export interface SecretsProvider {
  /** The secret's data (key → value), or undefined when there is none. */
  get(
    project: string | undefined,
    name: string,
  ): Promise<Record<string, string> | undefined>;
}
