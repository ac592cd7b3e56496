import { InputError } from '@backstage/errors';
import type { PromotionRequest } from '../promotions/PromotionCreator';

/**
 * The Freight a promote request names, its fields' types checked (which
 * one is given is the service's check). `origin` only where the caller
 * takes it.
 */
export function promotionRequestOf(
  body: Record<string, unknown>,
  accepts: { origin: boolean },
): PromotionRequest {
  for (const field of ['freight', 'freightAlias'] as const) {
    if (body[field] !== undefined && typeof body[field] !== 'string') {
      throw new InputError(`${field}: must be a string`);
    }
  }
  const request: PromotionRequest = {
    freight: body.freight as string | undefined,
    freightAlias: body.freightAlias as string | undefined,
  };
  if (!accepts.origin) return request;
  const origin = body.origin as { kind?: string; name?: unknown } | undefined;
  if (
    origin !== undefined &&
    (typeof origin !== 'object' || typeof origin?.name !== 'string')
  ) {
    throw new InputError('origin.name: must be the name of a Warehouse');
  }
  request.origin = origin as { kind?: string; name: string } | undefined;
  return request;
}
