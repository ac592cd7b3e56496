import type { StageAuditEntry } from '@kargo-backstage/plugin-kargo-common';
import { describeAuditEntry } from './stageAudit';

const names: Record<string, string> = { f1: 'calm-fox (guestbook@1111111)' };
const freightName = (name: string) => names[name] ?? name.slice(0, 7);

const entry = (rest: Partial<StageAuditEntry>): StageAuditEntry => ({
  at: '2026-11-26T10:00:00.000Z',
  actor: 'user:default/ana',
  action: 'promoted',
  ...rest,
});

describe('describeAuditEntry', () => {
  it.each([
    [
      entry({ promotion: 'prod.1', freight: 'f1', outcome: 'Succeeded' }),
      'promoted calm-fox (guestbook@1111111) — Succeeded',
    ],
    [
      entry({ promotion: 'prod.2', freight: '0123456789abcdef' }),
      'promoted 0123456',
    ],
    [
      entry({
        action: 'approved-promotion',
        promotion: 'prod.1',
        detail: 'ok',
      }),
      'approved Promotion prod.1: ok',
    ],
    [
      entry({ action: 'approved-promotion', promotion: 'prod.1' }),
      'approved Promotion prod.1',
    ],
    [
      entry({
        action: 'rejected-promotion',
        promotion: 'prod.1',
        detail: 'not today',
      }),
      'rejected Promotion prod.1: not today',
    ],
    [
      entry({ action: 'approved-freight', freight: 'f1' }),
      'approved Freight calm-fox (guestbook@1111111) for this Stage',
    ],
    [
      entry({ action: 'rejected-freight', freight: 'f1', detail: 'CVE' }),
      'rejected Freight calm-fox (guestbook@1111111): CVE',
    ],
    [
      entry({ action: 'froze', detail: 'Stage: incident: db down' }),
      'froze this Stage: incident: db down',
    ],
    [
      entry({ action: 'froze', detail: 'project: release freeze' }),
      'froze the project: release freeze',
    ],
  ])('%j', (e, text) => {
    expect(describeAuditEntry(e, freightName)).toBe(text);
  });
});
