import type { Insertable, Selectable } from 'kysely';

export type Role = 'administrator' | 'manager' | 'group_leader' | 'municipality_viewer';

export interface StaffUserTable {
  id: string;
  institution_id: string | null;
  email: string;
  display_name: string;
  role: Role;
  password_hash: string;
  pin_hash: string | null;
  municipality_id: string | null;
  active: number;
  created_at: string;
}

export interface StaffUserGroupTable {
  user_id: string;
  group_id: string;
}

export interface StaffSessionTable {
  token_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
}

export interface SetupTokenTable {
  token_hash: string;
  created_at: string;
  used: number;
}

export type StaffUserRow = Selectable<StaffUserTable>;
export type NewStaffUserRow = Insertable<StaffUserTable>;
