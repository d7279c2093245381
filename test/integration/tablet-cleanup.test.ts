import { deleteTabletSessionsOfClosedRounds } from '../../src/survey/survey.repository';
import { createTestApp } from '../support/app';
import { buildInstitution } from '../support/staff';
import { tabletCookie } from '../support/survey';

/** The scheduler clears the tablets of closed rounds; tablets of open rounds stay. */
describe('clearing finished tablets', () => {
  it('removes the tablet sessions of closed rounds only', async () => {
    const ctx = await createTestApp();
    try {
      const open = await buildInstitution(ctx.db);
      const closed = await buildInstitution(ctx.db, { name: 'Andere' });
      await tabletCookie(ctx.db, open.roundId, open.groups[0]!, open.users.group_leader.id);
      await tabletCookie(ctx.db, closed.roundId, closed.groups[0]!, closed.users.group_leader.id);
      await ctx.db.updateTable('round').set({ status: 'closed' }).where('id', '=', closed.roundId).execute();
      await deleteTabletSessionsOfClosedRounds(ctx.db);
      expect(await ctx.db.selectFrom('tablet_session').select('round_id').execute()).toEqual([{ round_id: open.roundId }]);
    } finally {
      await ctx.cleanup();
    }
  });
});
