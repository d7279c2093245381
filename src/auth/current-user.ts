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
