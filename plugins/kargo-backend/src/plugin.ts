import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import type { Permission } from '@backstage/plugin-permission-common';
import {
  kargoPermissions,
  kargoStagePermissions,
} from '@kargo-backstage/plugin-kargo-common';
import {
  ArtifactSubscriber,
  PromotionStepRunner,
  kargoArtifactSubscribersExtensionPoint,
  kargoPromotionStepsExtensionPoint,
} from '@kargo-backstage/plugin-kargo-node';
import {
  DatabaseDiscoveryQueue,
  DatabaseFreezes,
  DatabaseKargoStore,
  DatabasePromotionQueue,
  DatabasePromotionReviews,
} from './database';
import { PromotionReviewService } from './promotions/PromotionReviewService';
import { PromotionGate } from './promotions/PromotionGate';
import { KargoPromotionExpressions } from './promotions/KargoPromotionExpressions';
import { PromotionCreator } from './promotions/PromotionCreator';
import {
  ApplicationStageIndex,
  ApplicationWatches,
  ArgoCDConnector,
  createBuiltinHealthCheckers,
} from './argocd';
import { startStageReconciliation } from './stages/startStageReconciliation';
import { stagesAffectedBy } from './stages/stagesAffectedBy';
import { StageAuditTrail } from './stages/StageAuditTrail';
import { StageService } from './stages/StageService';
import { StepRegistry } from './promotions/StepRegistry';
import { startPromotionEngine } from './promotions/startPromotionEngine';
import { createBuiltinPromotionSteps } from './promotions/steps';
import { ConfigCredentialsProvider } from './warehouses/credentials/ConfigCredentialsProvider';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LinkedEntityOwners } from './catalog/LinkedEntityOwners';
import { ProjectChangeSignals } from './live/ProjectChangeSignals';
import { KargoNotifier } from './notifications';
import { ExtensionRegistry } from './extensions/ExtensionRegistry';
import {
  kargoStagePermissionResourceRef,
  kargoStageRules,
  StageResourceLoader,
} from './permissions';
import { ManifestApplier } from './manifests';
import { startManifestSourceSync } from './manifestSources';
import { EntityPipelineLoader } from './service/EntityPipelineLoader';
import { ManifestBootstrapper } from './service/ManifestBootstrapper';
import { createRouter } from './service/router';
import { KargoOperations } from './service/KargoOperations';
import { registerKargoActions } from './actions/registerKargoActions';
import { createWebhookRouter } from './service/createWebhookRouter';
import { ProjectConfigReconciler } from './projects/ProjectConfigReconciler';
import { ConfigSecretsProvider } from './secrets';
import { WebhookReceivers } from './webhooks';
import { startWarehouseDiscovery } from './warehouses/startWarehouseDiscovery';
import { warehousesToRefresh } from './warehouses/refreshAnnotation';

/**
 * The Kargo backend plugin: the resource store, the REST API under
 * `/api/kargo`, and (as later parts land) the engine.
 */
export const kargoPlugin = createBackendPlugin({
  pluginId: 'kargo',
  register(env) {
    const steps = new ExtensionRegistry<PromotionStepRunner>(
      'Promotion step',
      s => s.name,
    );
    const subscribers = new ExtensionRegistry<ArtifactSubscriber>(
      'Artifact subscriber',
      s => s.type,
    );
    env.registerExtensionPoint(kargoPromotionStepsExtensionPoint, {
      addPromotionSteps: (...runners) => steps.add(...runners),
    });
    env.registerExtensionPoint(kargoArtifactSubscribersExtensionPoint, {
      addArtifactSubscribers: (...subs) => subscribers.add(...subs),
    });

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        auth: coreServices.auth,
        userInfo: coreServices.userInfo,
        catalog: catalogServiceRef,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
        discovery: coreServices.discovery,
        urlReader: coreServices.urlReader,
        actionsRegistry: actionsRegistryServiceRef,
        signals: signalsServiceRef,
        notifications: notificationService,
      },
      async init(deps) {
        const { config, logger, database, httpRouter } = deps;
        deps.permissionsRegistry.addPermissions(
          kargoPermissions.filter(
            p => !(kargoStagePermissions as Permission[]).includes(p),
          ),
        );

        const contributed = [...steps.names(), ...subscribers.names()];
        if (contributed.length) {
          logger.info(
            `Kargo extensions from modules: ${contributed.join(', ')}`,
          );
        }

        // Open pages re-read a project when its resources change.
        const projectSignals = new ProjectChangeSignals({
          signals: deps.signals,
          logger,
        });
        deps.lifecycle.addShutdownHook(() => projectSignals.stop());
        const store = await DatabaseKargoStore.create({
          database,
          onChange: projectSignals.changed,
        });
        // Freezes and promotion windows, in front of every Promotion.
        const freezes = new DatabaseFreezes(await database.getClient());
        const gate = new PromotionGate(store, freezes);
        // Stage permissions are decided per Stage: policies may answer with
        // conditions (project, name, labels, owners of linked entities).
        const owners = new LinkedEntityOwners(deps.catalog, deps.auth);
        const notifier =
          config.getOptionalBoolean('kargo.notifications.enabled') === false
            ? undefined
            : new KargoNotifier({
                notifications: deps.notifications,
                links: owners,
                store,
                logger,
              });
        const stageResources = new StageResourceLoader(store, owners);
        deps.permissionsRegistry.addResourceType({
          resourceRef: kargoStagePermissionResourceRef,
          permissions: kargoStagePermissions,
          rules: Object.values(kargoStageRules),
          getResources: refs => stageResources.load(refs),
        });
        // Applying a Warehouse with a new `kargo.akuity.io/refresh` token asks
        // for its discovery, as in Kargo (discovery starts further down).
        let refresh = async (_project: string, _name: string) => false;
        // Promotions applied as manifests are admitted and queued like those
        // created through the promote endpoint (the engine starts below).
        const promotionQueue = new DatabasePromotionQueue(
          await database.getClient(),
          undefined,
          projectSignals.changed,
        );
        let wakePromotions = () => {};
        let touchStages = async (
          _stages: Array<{ project: string; name: string }>,
        ) => {};
        let pokeStages = () => {};
        const applier = new ManifestApplier(store, {
          promotions: new PromotionCreator(promotionQueue),
          afterApply: async results => {
            for (const { project, name } of warehousesToRefresh(results)) {
              await refresh(project, name);
            }
            if (
              results.some(r => r.createdResourceManifest?.kind === 'Promotion')
            ) {
              wakePromotions();
            }
            await touchStages(await stagesAffectedBy(store, results));
          },
        });
        await new ManifestBootstrapper(applier, config, logger).run();

        const warehouses = await startWarehouseDiscovery({
          config,
          logger,
          store,
          applier,
          queue: new DatabaseDiscoveryQueue(await database.getClient()),
          scheduler: deps.scheduler,
          lifecycle: deps.lifecycle,
          subscribers: type => subscribers.get(type),
        });
        refresh = (project, name) => warehouses.refresh(project, name);

        const secrets = ConfigSecretsProvider.fromConfig(config);
        // Argo CD clients, shared by the steps and Stage health; health
        // watches the Applications it reads (the index says which Stages
        // to wake when one changes).
        const argocd = ArgoCDConnector.fromConfig(config);
        const appIndex = new ApplicationStageIndex();
        const gitHomeDir = await mkdtemp(join(tmpdir(), 'kargo-git-steps-'));
        const reviews = new DatabasePromotionReviews(
          await database.getClient(),
        );
        const promotions = await startPromotionEngine({
          config,
          logger,
          store,
          queue: promotionQueue,
          steps: new StepRegistry([
            ...createBuiltinPromotionSteps({
              config,
              store,
              applier,
              credentials: ConfigCredentialsProvider.fromConfig(config),
              gitHomeDir,
              reviews,
              argocd,
              onApprovalRequested: notifier?.approvalRequested,
            }),
            ...steps.all(),
          ]),
          expressions: new KargoPromotionExpressions({
            store,
            secrets,
            configMaps: ConfigSecretsProvider.fromConfig(
              config,
              'kargo.configMaps',
            ),
          }),
          scheduler: deps.scheduler,
          lifecycle: deps.lifecycle,
          afterRun: () => pokeStages(),
          gate,
          prune: () => reviews.prune(),
          onPromotionEnded: notifier?.promotionEnded,
        });
        wakePromotions = () => void promotions.engine.poke();
        // As the promote endpoint does: for auto-promotion and the Stage API.
        const promote = promotions.service.create.bind(promotions.service);
        deps.lifecycle.addShutdownHook(async () => {
          // Git's HOME for the steps: gone only once no step runs any more.
          await promotions.engine.stop();
          await rm(gitHomeDir, { recursive: true, force: true });
        });

        const stages = await startStageReconciliation({
          config,
          logger,
          store,
          client: await database.getClient(),
          promotionQueue,
          checkers: createBuiltinHealthCheckers({
            config,
            connector: argocd,
            index: appIndex,
            onRefreshError: message => logger.warn(message),
          }),
          secrets,
          scheduler: deps.scheduler,
          lifecycle: deps.lifecycle,
          wakePromotions,
          gate,
          onVerificationEnded: notifier?.verificationEnded,
          promote,
        });
        touchStages = stages.touch;
        pokeStages = () => void stages.engine.poke();
        const appWatches = new ApplicationWatches({
          settings: argocd.settings,
          index: appIndex,
          touch: stages.touch,
          logger,
        });
        deps.lifecycle.addShutdownHook(() => appWatches.stop());

        const receivers = new WebhookReceivers({
          store,
          secrets,
          refresh: (project, name) => warehouses.refresh(project, name),
          baseUrl: await deps.discovery.getExternalBaseUrl('kargo'),
          logger,
          registryNotificationToken: config.getOptionalString(
            'kargo.webhooks.registryNotifications.token',
          ),
          registryNotificationHostAliases: config.getOptionalStringArray(
            'kargo.webhooks.registryNotifications.hostAliases',
          ),
        });
        const configs = new ProjectConfigReconciler(store, receivers, logger);
        await deps.scheduler.scheduleTask({
          id: 'kargo-project-config-status',
          scope: 'global',
          frequency: { seconds: 10 },
          timeout: { minutes: 1 },
          fn: () => configs.reconcileAll(),
        });

        // Forges and registries carry no Backstage token: signed, path-secret
        // webhooks that can only ask for a refresh.
        httpRouter.use(createWebhookRouter(receivers));
        httpRouter.addAuthPolicy({
          path: '/webhooks',
          allow: 'unauthenticated',
        });
        // Pipelines kept in entities' repositories (kargo.akuity.io/manifests).
        const manifestSources = await startManifestSourceSync({
          ...deps,
          applier,
        });
        const pipelines = new EntityPipelineLoader(
          store,
          deps.catalog,
          manifestSources,
        );
        const stageService = new StageService({
          store,
          touch: stages.touch,
          promote,
        });
        // Promote, approve and review: one path (permissions, gates, audit)
        // for the API and for the actions registry.
        const operations = new KargoOperations({
          permissions: deps.permissions,
          auditor: deps.auditor,
          promotions: promotions.service,
          stages: stageService,
          reviews: new PromotionReviewService(
            store,
            reviews,
            owners,
            async (project, stage) => {
              await promotionQueue.wakeStage(project, stage);
              wakePromotions();
            },
          ),
          userInfo: deps.userInfo,
        });
        httpRouter.use(
          await createRouter({
            store,
            applier,
            pipelines,
            httpAuth: deps.httpAuth,
            operations,
            refreshWarehouse: (project, name) =>
              warehouses.refresh(project, name),
            promotions: promotions.service,
            stages: stageService,
            analysisRuns: stages.analysisRuns,
            manifestSources,
            auditTrail: new StageAuditTrail(store, reviews, freezes),
            freezes: {
              store: freezes,
              // Shown on the Stages at once; once lifted, their
              // reconciliation lets waiting Promotions start.
              changed: (project, stage) =>
                stage
                  ? stages.touch([{ project, name: stage }])
                  : stages.touchProject(project),
            },
            logger,
          }),
        );
        registerKargoActions({
          actionsRegistry: deps.actionsRegistry,
          operations,
          store,
          pipelines,
        });
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
