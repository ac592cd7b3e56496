import type { AuditorService } from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import type { JsonObject } from '@backstage/types';

/**
 * Runs `act` inside an audit event: success with what `outcome` says of the
 * result, or failure with the error, which is thrown on.
 */
export async function withAuditEvent<T>(
  auditor: AuditorService,
  event: Parameters<AuditorService['createEvent']>[0],
  act: () => Promise<T>,
  outcome: (result: T) => JsonObject,
): Promise<T> {
  const auditEvent = await auditor.createEvent(event);
  try {
    const result = await act();
    await auditEvent.success({ meta: outcome(result) });
    return result;
  } catch (error) {
    await auditEvent.fail({ error: toError(error) });
    throw error;
  }
}
