export {
  WebhookReceivers,
  WEBHOOKS_MOUNT,
  MAX_WEBHOOK_BODY_BYTES,
  REGISTRY_NOTIFICATIONS_PATH,
  type WebhookReceiverEndpoint,
  type WebhookReceiversOptions,
  type WebhookRequest,
} from './WebhookReceivers';
export type { WebhookResponse, RequestHeaders } from './http';
export {
  buildWebhookPath,
  RECEIVER_SECRET_KEYS,
  type ReceiverType,
} from './paths';
