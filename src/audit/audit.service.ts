import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { randomId, type Clock } from '../system';
import { insertAuditEntry, listAuditEntries } from './audit.repository';

/** What the audit log records (SPEC §7): logins, account changes, exports and downloads. */
export type AuditAction =
  | 'login'
  | 'login-failed'
  | 'logout'
  | 'setup-administrator'
  | 'password-changed'
  | 'pin-changed'
  | 'user-created'
  | 'user-changed'
  | 'codes-generated'
  | 'codes-voided'
  | 'tablet-started'
  | 'tablet-stopped'
  | 'talk-request-handled'
  | 'round-opened'
  | 'round-closed'
  | 'improvement-action-added'
  | 'improvement-action-changed'
  | 'export'
  | 'report-downloaded';

export interface AuditEntry {
  readonly at: string;
  readonly actor: string | null;
  readonly action: string;
  readonly subject: string | null;
  readonly details: Readonly<Record<string, unknown>>;
}

/**
 * Appends to the audit log, inside the caller's transaction when there is one. Details are
 * small facts (ids, roles, counts) — never passwords, codes or answers.
 */
export async function audit(
  db: Kysely<DB>,
  clock: Clock,
  entry: { actorId: string | null; action: AuditAction; subject?: string; details?: Record<string, unknown>; institutionId?: string },
): Promise<void> {
  await insertAuditEntry(db, {
    id: randomId(),
    at: clock.now().toISOString(),
    actor_user_id: entry.actorId,
    institution_id: entry.institutionId ?? null,
    action: entry.action,
    subject: entry.subject ?? null,
    details: entry.details ? JSON.stringify(entry.details) : null,
  });
}

/** The latest entries of one institution's log (a host may serve several). */
export async function recentAuditEntries(db: Kysely<DB>, institutionId: string | null, page: number, pageSize = 100): Promise<AuditEntry[]> {
  const rows = await listAuditEntries(db, { institutionId, limit: pageSize, offset: page * pageSize });
  return rows.map((r) => ({
    at: r.at,
    actor: r.actor_email,
    action: r.action,
    subject: r.subject,
    details: r.details ? (JSON.parse(r.details) as Record<string, unknown>) : {},
  }));
}
