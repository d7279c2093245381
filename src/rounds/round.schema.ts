import { z } from 'zod';

const day = z.iso.date('gebruik een datum als 2026-10-01 / use a date like 2026-10-01');

export const roundDatesForm = z
  .object({ opensOn: day, closesOn: day })
  .refine((r) => r.opensOn <= r.closesOn, { path: ['closesOn'], message: 'sluit niet vóór de opening / cannot close before it opens' });

export const newRoundForm = z
  .object({ period: z.string().trim().regex(/^\d{4}(-[A-Z0-9]{1,4})?$/, 'bijvoorbeeld 2027-H1 / for example 2027-H1'), opensOn: day, closesOn: day })
  .refine((r) => r.opensOn <= r.closesOn, { path: ['closesOn'], message: 'sluit niet vóór de opening / cannot close before it opens' });

export const codeSheetForm = z.object({
  groupId: z.string().min(1).max(64),
  spares: z.coerce.number().int().min(0).max(20).default(3),
});
