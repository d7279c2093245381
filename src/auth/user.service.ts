import type { Kysely } from 'kysely';
import { audit } from '../audit/audit.service';
import type { DB } from '../db/schema';
import { ConflictError, NotFoundError, ValidationError, fromZodError } from '../errors';
import { findMunicipality, firstInstitutionId, insertInstitution, listGroups } from '../organisation/organisation.repository';
import { randomId, type Clock } from '../system';
import type { Role } from './auth.table';
import { hashSecret } from './password';
import { deleteUserSessions } from './session.repository';
import { countAdministrators } from './setup.repository';
import * as repo from './user.repository';
import { newUserSchema, type NewUser, type UserForm } from './user.schema';

export interface StaffUser {
  readonly id: string;
  readonly email: string;
  readonly displayName: string;
  readonly role: Role;
  readonly active: boolean;
  readonly municipalityId: string | null;
  readonly groupIds: readonly string[];
}

const emailTaken = () => new ConflictError({ details: [{ path: 'email', message: 'v.this-email-address-is-already-in' }] });

/**
 * Checks what a form cannot: the groups and municipality belong to the institution, and a
 * municipality viewer has a municipality. Returns the group ids that apply to the role.
 */
async function checkAssignments(
  trx: Kysely<DB>,
  institutionId: string | null,
  role: Role,
  groupIds: readonly string[],
  municipalityId: string | undefined,
): Promise<string[]> {
  if (role === 'municipality_viewer') {
    if (!municipalityId || !institutionId || !(await findMunicipality(trx, institutionId, municipalityId))) {
      throw new ValidationError({ details: [{ path: 'municipalityId', message: 'v.choose-the-municipality' }] });
    }
  }
  if (role !== 'group_leader') return [];
  const known = new Set(institutionId ? (await listGroups(trx, institutionId)).map((g) => g.id) : []);
  if (groupIds.some((g) => !known.has(g))) throw new ValidationError({ details: [{ path: 'groupIds', message: 'v.unknown-group' }] });
  return [...new Set(groupIds)];
}

export async function createUser(db: Kysely<DB>, input: NewUser, clock: Clock, actorId: string | null = null): Promise<StaffUser> {
  const parsed = newUserSchema.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error);
  const user = parsed.data;
  // Hash before the transaction: scrypt takes tens of milliseconds and must not hold the lock.
  const passwordHash = await hashSecret(user.password);
  return db.transaction().execute(async (trx) => {
    if (await repo.findUserByEmail(trx, user.email)) throw emailTaken();
    let institutionId = user.institutionId ?? (await firstInstitutionId(trx));
    if (!institutionId && user.newInstitutionName) {
      institutionId = randomId();
      await insertInstitution(trx, { id: institutionId, name: user.newInstitutionName, cadence_months: 6, created_at: clock.now().toISOString() });
    }
    if (!institutionId) {
      throw new ValidationError({
        details: [{ path: 'institution', message: 'v.there-is-no-institution-yet-create' }],
      });
    }
    const groupIds = await checkAssignments(trx, institutionId, user.role, user.groupIds, user.municipalityId);
    const id = randomId();
    await repo.insertUser(trx, {
      id,
      institution_id: institutionId,
      municipality_id: user.role === 'municipality_viewer' ? (user.municipalityId ?? null) : null,
      email: user.email,
      display_name: user.displayName,
      role: user.role,
      password_hash: passwordHash,
      pin_hash: null,
      active: 1,
      created_at: clock.now().toISOString(),
    });
    await repo.replaceUserGroups(trx, id, groupIds);
    await audit(trx, clock, { actorId, action: 'user-created', subject: user.email, details: { role: user.role, groups: groupIds.length } });
    return { id, email: user.email, displayName: user.displayName, role: user.role, active: true, municipalityId: user.municipalityId ?? null, groupIds };
  });
}

export async function listUsersWithGroups(db: Kysely<DB>, institutionId: string): Promise<StaffUser[]> {
  const users = await repo.listUsers(db, institutionId);
  const links = await repo.listUserGroupIds(db, users.map((u) => u.id));
  return users.map((u) => ({
    id: u.id,
    email: u.email,
    displayName: u.display_name,
    role: u.role,
    active: u.active === 1,
    municipalityId: u.municipality_id,
    groupIds: links.filter((l) => l.user_id === u.id).map((l) => l.group_id),
  }));
}

/**
 * An administrator changes an account. Role and active changes are audit-logged; a deactivated
 * account or a reset password ends the account's sessions. The last active administrator cannot
 * take away their own access, so an installation is never locked out.
 */
export async function updateUserAccount(db: Kysely<DB>, clock: Clock, actorId: string, institutionId: string, userId: string, form: UserForm): Promise<void> {
  const passwordHash = form.password ? await hashSecret(form.password) : undefined;
  await db.transaction().execute(async (trx) => {
    const existing = await repo.findUserById(trx, userId);
    if (!existing || existing.institution_id !== institutionId) throw new NotFoundError();
    const other = await repo.findUserByEmail(trx, form.email);
    if (other && other.id !== userId) throw emailTaken();
    const losesAdmin = existing.role === 'administrator' && existing.active === 1 && (form.role !== 'administrator' || !form.active);
    if (losesAdmin && (await countAdministrators(trx, institutionId)) <= 1) {
      throw new ValidationError({ details: [{ path: 'role', message: 'v.at-least-one-active-administrator-must' }] });
    }
    const groupIds = await checkAssignments(trx, institutionId, form.role, form.groupIds, form.municipalityId);
    await repo.updateUser(trx, userId, {
      email: form.email,
      display_name: form.displayName,
      role: form.role,
      active: form.active ? 1 : 0,
      municipality_id: form.role === 'municipality_viewer' ? (form.municipalityId ?? null) : null,
      ...(passwordHash ? { password_hash: passwordHash } : {}),
    });
    await repo.replaceUserGroups(trx, userId, groupIds);
    if (!form.active || passwordHash) await deleteUserSessions(trx, userId);
    await audit(trx, clock, {
      actorId,
      action: 'user-changed',
      subject: form.email,
      details: { role: form.role, previousRole: existing.role, active: form.active, groups: groupIds.length, passwordReset: Boolean(passwordHash) },
    });
  });
}

/** The groups a group leader is assigned to. */
export async function ownGroupIds(db: Kysely<DB>, userId: string): Promise<string[]> {
  return (await repo.listUserGroupIds(db, [userId])).map((l) => l.group_id);
}
