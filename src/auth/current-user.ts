import type { Role } from './auth.table';

/** The signed-in staff member as routes and services see them. */
export interface CurrentUser {
  readonly id: string;
  readonly email: string;
  readonly displayName: string;
  readonly role: Role;
  readonly institutionId: string | null;
  readonly municipalityId: string | null;
  readonly hasPin: boolean;
  /** The session's CSRF token. */
  readonly csrfToken: string;
  readonly sessionHash: string;
}

/** What reading results needs to know of whoever asks: a staff member, or the server itself. */
export type Viewer = Pick<CurrentUser, 'id' | 'role' | 'institutionId'>;

/**
 * The server acting on its own (the scheduler's automatic reports, the command line): sees what an
 * administrator of that one institution sees, and is recorded as `system`.
 */
export function systemViewer(institutionId: string): Viewer {
  return { id: 'system', role: 'administrator', institutionId };
}
