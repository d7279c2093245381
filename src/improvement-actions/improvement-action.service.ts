import type { Kysely } from 'kysely';
import { audit } from '../audit/audit.service';
import type { CurrentUser } from '../auth/current-user';
import type { DB } from '../db/schema';
import { randomId, type Clock } from '../system';
import * as repo from './improvement-action.repository';

/**
 * What a team will do with a round's result (SPEC §3): added and changed by the group's staff, each
 * change in the audit log. The caller has checked that the member may see the group and that the
 * round is one of its closed rounds (the results service decides both).
 */
export interface ActionTarget {
  readonly groupId: string;
  readonly groupName: string;
  readonly roundId: string;
  readonly period: string;
}

export async function addAction(db: Kysely<DB>, clock: Clock, user: CurrentUser, target: ActionTarget, text: string): Promise<void> {
  const now = clock.now().toISOString();
  await db.transaction().execute(async (trx) => {
    await repo.insertImprovementAction(trx, { id: randomId(), round_id: target.roundId, group_id: target.groupId, text, created_by: user.id, created_at: now, updated_at: now });
    await audit(trx, clock, { actorId: user.id, action: 'improvement-action-added', subject: `${target.groupName} ${target.period}` });
  });
}

export async function changeAction(db: Kysely<DB>, clock: Clock, user: CurrentUser, target: ActionTarget, actionId: string, text: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await repo.updateImprovementAction(trx, actionId, text, clock.now().toISOString());
    await audit(trx, clock, { actorId: user.id, action: 'improvement-action-changed', subject: `${target.groupName} ${target.period}` });
  });
}

/** The round an action of this group belongs to, or undefined when the group has no such action. */
export async function roundOfAction(db: Kysely<DB>, groupId: string, actionId: string): Promise<string | undefined> {
  return (await repo.findImprovementAction(db, groupId, actionId))?.round_id;
}
