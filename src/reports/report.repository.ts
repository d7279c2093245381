import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { NewReportRow } from './report.table';

/** Who may see which archived reports: decided by the report service, applied here in every query. */
export interface ArchiveScope {
  readonly institutionId: string;
  /** Only reports addressed to this municipality. */
  readonly municipalityId?: string;
  /** Only group reports of these groups. */
  readonly groupIds?: readonly string[];
}

/** Inserts a report; false when an automatic report with the same key exists already. */
export async function insertReport(db: Kysely<DB>, row: NewReportRow): Promise<boolean> {
  const result = await db
    .insertInto('report')
    .values(row)
    .onConflict((oc) => oc.column('automatic_key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

function scoped(db: Kysely<DB>, scope: ArchiveScope) {
  let query = db.selectFrom('report as r').where('r.institution_id', '=', scope.institutionId);
  if (scope.municipalityId !== undefined) query = query.where('r.municipality_id', '=', scope.municipalityId).where('r.kind', '=', 'period');
  if (scope.groupIds !== undefined) query = scope.groupIds.length === 0 ? query.where(sql<boolean>`false`) : query.where('r.kind', '=', 'group').where('r.group_id', 'in', [...scope.groupIds]);
  return query;
}

/** The archive's list, newest first, without the files themselves. */
export async function listReports(db: Kysely<DB>, scope: ArchiveScope) {
  return scoped(db, scope)
    .leftJoin('staff_user as u', 'u.id', 'r.generated_by')
    .leftJoin('municipality as m', 'm.id', 'r.municipality_id')
    .select(['r.id', 'r.kind', 'r.title', 'r.period_from', 'r.period_to', 'r.audience', 'r.language', 'r.generated_by', 'r.generated_at', 'r.sha256', 'u.display_name as generatedByName', 'm.name as municipalityName'])
    .orderBy('r.generated_at', 'desc')
    .orderBy('r.id')
    .execute();
}

export async function findReport(db: Kysely<DB>, scope: ArchiveScope, id: string) {
  return scoped(db, scope).selectAll('r').where('r.id', '=', id).executeTakeFirst();
}

/** Whether an automatic report was made already (the unique key is the real guard; this skips the work). */
export async function automaticKeysIn(db: Kysely<DB>, keys: readonly string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await db.selectFrom('report').select('automatic_key').where('automatic_key', 'in', [...keys]).execute();
  return new Set(rows.map((r) => r.automatic_key!));
}

/** The summarised groups of rounds closed on or after `since`: candidates for an automatic group report. */
export async function summarisedGroupsClosedSince(db: Kysely<DB>, since: string) {
  return db
    .selectFrom('group_result as gr')
    .innerJoin('round as r', 'r.id', 'gr.round_id')
    .select(['r.institution_id as institutionId', 'gr.round_id as roundId', 'gr.group_id as groupId'])
    .where('r.status', '=', 'closed')
    .where('r.closes_on', '>=', since)
    .orderBy('r.closes_on')
    .orderBy('gr.group_id')
    .execute();
}

/** Municipalities, of every institution, with a period-report schedule. */
export async function scheduledMunicipalities(db: Kysely<DB>) {
  return db
    .selectFrom('municipality')
    .select(['id', 'institution_id as institutionId', 'report_every_months as every', 'report_language as language'])
    .where('report_every_months', 'is not', null)
    .execute();
}
