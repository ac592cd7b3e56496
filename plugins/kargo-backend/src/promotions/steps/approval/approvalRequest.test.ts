import { approvalRequestOf, mayReview } from './approvalRequest';

describe('who may review a waiting Promotion', () => {
  const request = (config: object) =>
    approvalRequestOf(config as any, 'user:default/requester', []);
  const reviewer = (ref: string, ...groups: string[]) => ({
    userEntityRef: ref,
    claims: [ref, ...groups],
  });

  it('lets the owners of the linked catalog entities review when owners is set', () => {
    const owners = request({ approvers: { owners: true } });
    expect(
      mayReview(owners, reviewer('user:default/dev', 'group:default/team-a'), [
        'group:default/team-a',
      ]),
    ).toEqual({ ok: true });
    expect(
      mayReview(
        owners,
        reviewer('user:default/other', 'group:default/team-b'),
        ['group:default/team-a'],
      ),
    ).toEqual({
      ok: false,
      reason:
        'user:default/other is not an approver of this step (approvers: owners of the linked catalog entities)',
    });
  });

  it('lets the requester review unless forbidRequester, and defaults to one approval', () => {
    const open = request({ approvers: { users: ['user:default/requester'] } });
    expect(open.minApprovals).toBe(1);
    expect(open.forbidRequester).toBe(false);
    expect(mayReview(open, reviewer('user:default/requester'), [])).toEqual({
      ok: true,
    });
    const fourEyes = request({
      approvers: { users: ['user:default/requester'] },
      forbidRequester: true,
    });
    expect(mayReview(fourEyes, reviewer('user:default/requester'), []).ok).toBe(
      false,
    );
  });
});
