import type { Insertable } from 'kysely';

export interface AuditLogTable {
  id: string;
  at: string;
  actor_user_id: string | null;
  /** Whose log it is in: the actor's institution, or the one the server acted for; null for none. */
  institution_id: string | null;
  action: string;
  subject: string | null;
  /** JSON; never answers, codes or passwords. */
  details: string | null;
}

export type NewAuditLogRow = Insertable<AuditLogTable>;
