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

    notifications?: {
      /**
       * Backstage notifications on failed Promotions and verifications (to
       * the owners of the linked entities) and approval requests (to the
       * approvers). Default true; needs the notifications backend.
       * @visibility backend
       */
      enabled?: boolean;
    };

    /**
     * Credentials for container registries, Helm chart repositories and Git
     * hosts, like Kargo's credential Secrets. The first entry of the right
     * type whose `repoURL` (exact; scheme, case and `.git` ignored) or
     * `repoURLPattern` (a regular expression) matches is used. Git hosts
     * also get credentials from Backstage's `integrations` config.
     * @visibility backend
     */
    credentials?: Array<{
      /** The kind of repository: `image`, `git` or `helm`. */
      type: 'image' | 'git' | 'helm';
      /** One repository, e.g. `ghcr.io/example/app`. */
      repoURL?: string;
      /** A regular expression over repository URLs, e.g. `^oci://charts\\.example\\.com/`. */
      repoURLPattern?: string;
      username?: string;
      /**
       * Password or token. Never shown in API answers, status or logs.
       * @visibility secret
       */
      password: string;
    }>;

    /**
     * Secrets referenced by `secretRef.name` in Kargo manifests (webhook
     * receivers), standing in for Kubernetes Secrets.
     * @visibility backend
     */
    secrets?: Array<{
      /** The Secret's name, as manifests reference it. */
      name: string;
      /** The project it belongs to; omit for a shared (cluster-level) secret. */
      project?: string;
      /** The Secret's keys, e.g. `secret` for a GitHub receiver. */
      data: {
        /** @visibility secret */
        [key: string]: string;
      };
    }>;

    /**
     * Data that promotion expressions read with `configMap(name)` (a
     * project's) and `sharedConfigMap(name)` (no project), standing in for
     * Kargo's ConfigMaps. Not secret: values may appear in step config.
     */
    configMaps?: Array<{
      name: string;
      project?: string;
      data: { [key: string]: string };
    }>;

    /** Webhooks from outside Backstage. */
    webhooks?: {
      /**
       * The Docker distribution registry's own notifications, posted to
       * `/api/kargo/webhooks/registry/events`: every Warehouse subscribed to
       * a pushed repository is refreshed.
       */
      registryNotifications?: {
        /**
         * Bearer token the registry sends (`Authorization: Bearer …` in its
         * `notifications.endpoints[].headers`); unset disables the endpoint.
         * @visibility secret
         */
        token?: string;
        /** Other `host[:port]` names the registry is known by in subscriptions. */
        hostAliases?: string[];
      };
    };

    /**
     * Pipelines kept in entities' repositories: the manifests a catalog
     * entity's `kargo.akuity.io/manifests: url:https://…` annotation points
     * at are read through Backstage's UrlReader (`integrations`,
     * `backend.reading.allow`) and applied, each entity only to the projects
     * its `kargo.akuity.io/project` annotation names.
     */
    manifestSources?: {
      /**
       * Set false to read no entity's manifests (the sync route then
       * answers 404). Default true.
       * @visibility backend
       */
      enabled?: boolean;
      /**
       * How often every annotated entity's file is read (unchanged files
       * cost a conditional read, no apply), as a duration. Default `1m0s`.
       * @visibility backend
       */
      frequency?: string;
    };

    /** Warehouse discovery. */
    warehouses?: {
      /**
       * Floor under every Warehouse's `interval` (Kargo's
       * minReconciliationInterval), as a duration such as `5m0s`. Default
       * `5m0s`.
       * @visibility backend
       */
      minReconciliationInterval?: string;
      /**
       * How many Warehouses one backend instance discovers at once.
       * Default 4.
       * @visibility backend
       */
      concurrency?: number;
      /**
       * Longest one Warehouse's discovery may take, as a duration. Default
       * `5m0s`.
       * @visibility backend
       */
      discoveryTimeout?: string;
    };

    /** Stage reconciliation: health, verification, auto-promotion. */
    stages?: {
      /**
       * How many Stages one backend instance reconciles at once. Default 8.
       * @visibility backend
       */
      concurrency?: number;
      /**
       * How long an instance's claim on a Stage lasts unless renewed, as a
       * duration; a dead instance's Stages are taken over after it.
       * Default `10s`.
       * @visibility backend
       */
      leaseDuration?: string;
    };

    /** Promotions: the step engine. */
    promotions?: {
      /**
       * How many Promotions one backend instance runs at once (one per
       * Stage at most, whatever this says). Default 4.
       * @visibility backend
       */
      concurrency?: number;
      /**
       * How long an instance's claim on a running Promotion lasts without a
       * heartbeat, as a duration. After a crash, another instance (or this
       * one, restarted) resumes the Promotion once the claim lapses.
       * Default `30s`.
       * @visibility backend
       */
      leaseDuration?: string;
      /**
       * Directory holding each running Promotion's work directory (clones,
       * rendered files), removed when the Promotion ends. Default
       * `<os tmpdir>/kargo-promotions`. Keep it on a disk that survives a
       * backend restart so a resumed Promotion continues where it stopped.
       * @visibility backend
       */
      workDir?: string;
      /**
       * Where the `http` and `http-download` steps may connect. Entries are
       * hostnames (any case), `*.suffix` patterns (subdomains only), IP
       * addresses and CIDR ranges. Checked against the hostname and against
       * the address actually connected to (DNS is resolved and pinned by the
       * check, so rebinding cannot dodge it), on every redirect hop. Cloud
       * metadata endpoints (169.254.0.0/16, fe80::/10, fd00:ec2::254,
       * 100.100.100.200, 168.63.129.16, metadata.google.internal, …) are
       * always denied. Loopback and private ranges are not denied by
       * default: consider adding 127.0.0.0/8, ::1, 10.0.0.0/8,
       * 172.16.0.0/12, 192.168.0.0/16 and fc00::/7 to `deny`.
       */
      egress?: {
        /**
         * When set and not empty, only these destinations are allowed.
         * @visibility backend
         */
        allow?: string[];
        /**
         * Destinations always refused (deny wins over allow).
         * @visibility backend
         */
        deny?: string[];
      };
    };
    /**
     * Argo CD, for the `argocd-update` and `argocd-wait` steps and the
     * Stage health they register. Applications are read and written
     * through the Kubernetes API server that holds them.
     */
    argocd?: {
      /**
       * Set false to turn the integration off: the steps then fail saying
       * so, and Argo CD health checks report Unknown. Default: true when
       * `instances` has an entry, false otherwise.
       * @visibility backend
       */
      integrationEnabled?: boolean;
      /**
       * How soon a waiting `argocd-update` / `argocd-wait` looks at its
       * Applications again, as a duration (at least `1s`). Default `5s`.
       * @visibility backend
       */
      pollInterval?: string;
      /**
       * Watch the Applications that Stage health reads (one watch per
       * instance and namespace in use), so a Stage reports an
       * Application's new health as soon as Argo CD records it. Needs
       * `list` and `watch` on `applications.argoproj.io` in those
       * namespaces; without them, or when false, health is polled (every
       * second while a Stage is not yet healthy, every minute after).
       * Default true.
       * @visibility backend
       */
      watchApplications?: boolean;
      /**
       * One entry per Argo CD control plane, like Kargo's one controller
       * per shard: a Stage with `spec.shard: eu` uses the entry with
       * `shard: eu`; Stages without a shard use the entry without one.
       * @visibility backend
       */
      instances?: Array<{
        /** The Stage shard this instance serves; omit for the default. */
        shard?: string;
        /** The Kubernetes API server URL, e.g. `https://10.0.0.1:6443`. */
        url: string;
        /**
         * Bearer token (e.g. a service account token) allowed to get, list,
         * watch, update and patch `applications.argoproj.io` and create
         * `events`.
         * @visibility secret
         */
        token?: string;
        /** Base64 PEM CA bundle, as a kubeconfig's `certificate-authority-data`. */
        caData?: string;
        /** Skip TLS verification (and allow plain `http://`): testing only. */
        skipTLSVerify?: boolean;
        /** Namespace of Applications when a step names none. Default `argocd`. */
        namespace?: string;
      }>;
    };

    registries?: {
      /**
       * Requests per second to one registry host, shared by every
       * Warehouse on this instance, with bursts of up to twice as many (so
       * one discovery goes out at once); `429 Retry-After` is honoured too.
       * Default 20.
       * @visibility backend
       */
      rateLimit?: number;
    };
  };
}
