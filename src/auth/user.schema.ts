import { z } from 'zod';
import { checkbox, idList } from '../organisation/organisation.schema';

export const roles = ['administrator', 'manager', 'group_leader', 'municipality_viewer'] as const;

export const passwordSchema = z.string().min(12, 'v.at-least-12-characters').max(1024);

/** 4 to 8 digits: typed on the tablet to leave tablet mode. */
export const pinSchema = z.string().regex(/^\d{4,8}$/, 'v.4-to-8-digits');

/** A new staff account, from a form or the CLI. */
export const newUserSchema = z.object({
  email: z.email().max(254).transform((e) => e.toLowerCase()),
  displayName: z.string().trim().min(1).max(120),
  role: z.enum(roles),
  password: passwordSchema,
  institutionId: z.string().min(1).optional(),
  /** Only from the CLI: the institution to create when the installation has none yet. */
  newInstitutionName: z.string().trim().min(1).max(160).optional(),
  municipalityId: z.string().min(1).optional(),
  groupIds: z.array(z.string().min(1)).default([]),
});

export type NewUser = z.input<typeof newUserSchema>;

/** The administrator's user form; the password only when creating or resetting. */
export const userForm = z.object({
  email: z.email().max(254).transform((e) => e.toLowerCase()),
  displayName: z.string().trim().min(1).max(120),
  role: z.enum(roles),
  active: checkbox,
  groupIds: idList,
  municipalityId: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(1).optional()),
  password: z.preprocess((v) => (v === '' ? undefined : v), passwordSchema.optional()),
});

export type UserForm = z.output<typeof userForm>;
