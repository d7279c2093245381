import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { NewAuditLogRow } from './audit.table';

/** Without an institution of its own, an entry goes to its actor's institution. */
export async function insertAuditEntry(db: Kysely<DB>, row: NewAuditLogRow): Promise<void> {
  const actorsInstitution = row.actor_user_id ? db.selectFrom('staff_user').select('institution_id').where('id', '=', row.actor_user_id) : null;
  await db.insertInto('audit_log').values({ ...row, institution_id: row.institution_id ?? actorsInstitution }).execute();
}

export interface AuditEntryRow {
  id: string;
  at: string;
  action: string;
  subject: string | null;
  details: string | null;
  actor_email: string | null;
}

export async function listAuditEntries(db: Kysely<DB>, options: { institutionId: string | null; limit: number; offset: number }): Promise<AuditEntryRow[]> {
  return db
    .selectFrom('audit_log')
    .leftJoin('staff_user', 'staff_user.id', 'audit_log.actor_user_id')
    .select(['audit_log.id', 'audit_log.at', 'audit_log.action', 'audit_log.subject', 'audit_log.details', 'staff_user.email as actor_email'])
    .where((eb) => (options.institutionId === null ? eb('audit_log.institution_id', 'is', null) : eb('audit_log.institution_id', '=', options.institutionId)))
    .orderBy('audit_log.at', 'desc')
    .orderBy('audit_log.id')
    .limit(options.limit)
    .offset(options.offset)
    .execute();
}
