import express from 'express';
import Router from 'express-promise-router';
import type { WebhookReceivers, WebhookRequest } from '../webhooks';

/** A body limit above the receivers' own, so their 413 message is the one sent. */
const RAW_BODY_LIMIT = '3mb';

function toRequest(req: express.Request): WebhookRequest {
  return {
    method: req.method,
    headers: req.headers,
    body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
    query: req.query as WebhookRequest['query'],
  };
}

/**
 * Routes for senders that hold no Backstage token (Git forges, registries):
 * they prove themselves by the receiver's hard-to-guess path and the
 * provider's signature, checked on the raw body, and can only ask for a
 * refresh. Mounted with an unauthenticated auth policy on `/webhooks`.
 */
export function createWebhookRouter(
  receivers: WebhookReceivers,
): express.Router {
  const router = Router();
  const raw = express.raw({ type: () => true, limit: RAW_BODY_LIMIT });

  router.post('/webhooks/registry/events', raw, async (req, res) => {
    const answer = await receivers.handleRegistryNotification(toRequest(req));
    res.status(answer.status).json(answer.body);
  });

  router.all('/webhooks/*', raw, async (req, res) => {
    const answer = await receivers.handle(
      req.path.slice('/webhooks'.length),
      toRequest(req),
    );
    res.status(answer.status).json(answer.body);
  });

  return router;
}
