import { sql, type Kysely } from 'kysely';

/**
 * The audit log per institution: on a host serving several institutions an administrator sees
 * the entries of their own institution only. An entry belongs to its actor's institution, or —
 * for what the server does by itself (opening and closing rounds) — to the institution it is
 * about. Entries about no institution (a failed login with an unknown e-mail address) stay empty.
 * Earlier entries are assigned by their actor; the server's own, when there is one institution.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('audit_log').addColumn('institution_id', 'text', (c) => c.references('institution.id')).execute();
  await db.schema.createIndex('audit_log_institution_at').on('audit_log').columns(['institution_id', 'at']).execute();
  await sql`update audit_log set institution_id = (select institution_id from staff_user where staff_user.id = audit_log.actor_user_id)
    where actor_user_id is not null`.execute(db);
  await sql`update audit_log set institution_id = (select min(id) from institution)
    where institution_id is null and action in ('round-opened', 'round-closed') and (select count(*) from institution) = 1`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('audit_log_institution_at').execute();
  await db.schema.alterTable('audit_log').dropColumn('institution_id').execute();
}
