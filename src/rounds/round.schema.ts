import { z } from 'zod';

const day = z.iso.date('v.use-a-date-like-2026-10');

export const roundDatesForm = z
  .object({ opensOn: day, closesOn: day })
  .refine((r) => r.opensOn <= r.closesOn, { path: ['closesOn'], message: 'v.cannot-close-before-it-opens' });

export const newRoundForm = z
  .object({ period: z.string().trim().regex(/^\d{4}(-[A-Z0-9]{1,4})?$/, 'v.for-example-2027-h1'), opensOn: day, closesOn: day })
  .refine((r) => r.opensOn <= r.closesOn, { path: ['closesOn'], message: 'v.cannot-close-before-it-opens' });

export const codeSheetForm = z.object({
  groupId: z.string().min(1).max(64),
  spares: z.coerce.number().int().min(0).max(20).default(3),
});
