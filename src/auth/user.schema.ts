import { z } from 'zod';

export const roles = ['administrator', 'manager', 'group_leader', 'municipality_viewer'] as const;

/** A new staff account, from a form or the CLI. */
export const newUserSchema = z.object({
  email: z.email().max(254).transform((e) => e.toLowerCase()),
  displayName: z.string().trim().min(1).max(120),
  role: z.enum(roles),
  password: z.string().min(12, 'minstens 12 tekens / at least 12 characters').max(1024),
  institutionId: z.string().min(1).optional(),
  municipalityId: z.string().min(1).optional(),
});

export type NewUser = z.input<typeof newUserSchema>;
