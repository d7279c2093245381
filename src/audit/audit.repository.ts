import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { NewAuditLogRow } from './audit.table';

export async function insertAuditEntry(db: Kysely<DB>, row: NewAuditLogRow): Promise<void> {
  await db.insertInto('audit_log').values(row).execute();
}

export interface AuditEntryRow {
  id: string;
  at: string;
  action: string;
  subject: string | null;
  details: string | null;
  actor_email: string | null;
}

export async function listAuditEntries(db: Kysely<DB>, options: { limit: number; offset: number }): Promise<AuditEntryRow[]> {
  return db
    .selectFrom('audit_log')
    .leftJoin('staff_user', 'staff_user.id', 'audit_log.actor_user_id')
    .select(['audit_log.id', 'audit_log.at', 'audit_log.action', 'audit_log.subject', 'audit_log.details', 'staff_user.email as actor_email'])
    .orderBy('audit_log.at', 'desc')
    .orderBy('audit_log.id')
    .limit(options.limit)
    .offset(options.offset)
    .execute();
}
