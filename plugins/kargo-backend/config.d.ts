export interface Config {
  /** Configuration of the Kargo plugin suite (`@kargo-backstage/plugin-kargo-backend`). */
  kargo?: {
    bootstrap?: {
      /**
       * Kargo manifest files (multi-document YAML or JSON) applied, create or
       * update, each time the backend starts. Paths are relative to the
       * backend's working directory. A file that cannot be read or applied
       * stops the start-up with an error naming the file and the reason.
       * @visibility backend
       */
      manifests?: string[];
    };
  };
}
