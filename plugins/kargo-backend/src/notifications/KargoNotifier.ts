import type { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import type { JsonObject } from '@backstage/types';
import type {
  NotificationSendOptions,
  NotificationService,
} from '@backstage/plugin-notifications-node';
import type { LinkedEntityOwners } from '../catalog/LinkedEntityOwners';
import type { KargoStore, StoredResource } from '../database';
import { CREATE_ACTOR_ANNOTATION } from '../promotions/PromotionCreator';
import type { ApprovalRequest } from '../promotions/steps/approval/approvalRequest';
import {
  currentCollection,
  type VerificationInfo,
} from '../stages/verification';

/** Notification topics, so users can mute one kind in their settings. */
export const KARGO_NOTIFICATION_TOPICS = {
  promotionFailed: 'kargo-promotion-failed',
  verificationFailed: 'kargo-verification-failed',
  approvalRequested: 'kargo-approval-requested',
} as const;

const annotation = (r: StoredResource, key: string) =>
  (r.metadata.annotations as Record<string, string> | undefined)?.[key];

const FAILED_PROMOTION = new Set(['Failed', 'Errored']);
const FAILED_VERIFICATION = new Set(['Failed', 'Error']);

/**
 * Tells people what needs them, through Backstage notifications: the owners
 * of the catalog entities linked to a Stage when a Promotion to it fails or
 * its verification fails, and the approvers when a Promotion waits for
 * approval. Each notification links to the entity's Promotions tab and has
 * a scope, so a repeat (an engine restart) updates it instead of adding one.
 * Sending never holds up or fails the engine: errors are logged.
 */
export class KargoNotifier {
  private failing = false;

  constructor(
    private readonly options: {
      notifications: NotificationService;
      links: LinkedEntityOwners;
      /** For Freight aliases: people know `wise-otter`, not a SHA-1. */
      store: KargoStore;
      logger: LoggerService;
    },
  ) {}

  /** A Promotion reached a terminal phase. */
  promotionEnded = (promotion: StoredResource, status: JsonObject): void => {
    const phase = String(status.phase ?? '');
    if (!FAILED_PROMOTION.has(phase) || !promotion.stage) return;
    const { project, stage } = promotion;
    const actor = annotation(promotion, CREATE_ACTOR_ANNOTATION);
    void this.toOwners(project, stage, async () => ({
      title: `Promotion to ${project}/${stage} ${phase.toLowerCase()}`,
      description: [
        `Freight ${await this.freightName(
          project,
          String(promotion.spec.freight ?? ''),
        )}`,
        actor ? `promoted by ${actor}` : undefined,
        status.message ? String(status.message) : undefined,
      ]
        .filter(Boolean)
        .join(' — '),
      severity: 'high',
      topic: KARGO_NOTIFICATION_TOPICS.promotionFailed,
      scope: `kargo:promotion:${project}/${promotion.name}`,
    }));
  };

  /** A verification of a Stage's current Freight ended. */
  verificationEnded = (stage: StoredResource, info: VerificationInfo): void => {
    if (!FAILED_VERIFICATION.has(info.phase)) return;
    const items = currentCollection(stage)?.items ?? {};
    void this.toOwners(stage.project, stage.name, async () => {
      const freight = (
        await Promise.all(
          Object.values(items).map(i =>
            this.freightName(stage.project, i.name),
          ),
        )
      ).join(', ');
      return {
        title: `Verification in ${stage.project}/${stage.name} ${
          info.phase === 'Error' ? 'errored' : 'failed'
        }`,
        description: [
          freight ? `Freight ${freight}` : undefined,
          info.message,
          info.analysisRun ? `AnalysisRun ${info.analysisRun.name}` : undefined,
        ]
          .filter(Boolean)
          .join(' — '),
        severity: 'high',
        topic: KARGO_NOTIFICATION_TOPICS.verificationFailed,
        scope: `kargo:verification:${stage.project}/${stage.name}/${info.id}`,
      };
    });
  };

  /** A Promotion waits in a `wait-for-approval` step. */
  approvalRequested = (
    promotion: { project: string; stage: string; name: string },
    request: ApprovalRequest,
  ): void => {
    void this.safely(async () => {
      const { project, stage, name } = promotion;
      const { users = [], groups = [], owners } = request.approvers;
      const recipients = [
        ...users,
        ...groups,
        ...(owners ? await this.options.links.of(project, stage) : []),
      ];
      if (!recipients.length) return;
      await this.options.notifications.send({
        recipients: {
          type: 'entity',
          entityRef: [...new Set(recipients)],
          // They asked: they know (and may not approve with forbidRequester).
          ...(request.requestedBy
            ? { excludeEntityRef: request.requestedBy }
            : {}),
        },
        payload: {
          title: `Approval requested: Promotion to ${project}/${stage}`,
          description: [
            request.requestedBy
              ? `${request.requestedBy} asks for ${request.minApprovals} approval(s)`
              : `${request.minApprovals} approval(s) needed`,
            request.message,
          ]
            .filter(Boolean)
            .join(' — '),
          link: await this.linkTo(project, stage),
          severity: 'normal',
          topic: KARGO_NOTIFICATION_TOPICS.approvalRequested,
          scope: `kargo:approval:${project}/${name}`,
        },
      });
    });
  };

  private toOwners(
    project: string,
    stage: string,
    payload: () => Promise<Omit<NotificationSendOptions['payload'], 'link'>>,
  ): Promise<void> {
    return this.safely(async () => {
      const owners = await this.options.links.of(project, stage);
      if (!owners.length) return;
      await this.options.notifications.send({
        recipients: { type: 'entity', entityRef: owners },
        payload: {
          ...(await payload()),
          link: await this.linkTo(project, stage),
        },
      });
    });
  }

  /** `wise-otter (3f2a…)`, or the name alone when there is no alias. */
  private async freightName(project: string, name: string): Promise<string> {
    const freight = await this.options.store.getFreight(project, name);
    return freight?.alias ? `${freight.alias} (${name.slice(0, 7)})` : name;
  }

  /** The Promotions tab of the first entity linked to the Stage. */
  private async linkTo(project: string, stage: string): Promise<string> {
    const [entityRef] = await this.options.links.entitiesOf(project, stage);
    if (!entityRef) return '/kargo';
    const { kind, namespace, name } = parseEntityRef(entityRef);
    return `/catalog/${namespace}/${kind.toLocaleLowerCase(
      'en-US',
    )}/${name}/kargo`;
  }

  private async safely(send: () => Promise<void>): Promise<void> {
    try {
      await send();
      this.failing = false;
    } catch (error) {
      // Typically: no notifications backend in this portal. Once per streak.
      if (!this.failing) {
        this.failing = true;
        this.options.logger.warn(
          `Cannot send Kargo notifications: ${(error as Error).message}`,
        );
      }
    }
  }
}
