import { z } from 'zod';

const name = z.string().trim().min(1).max(120);

/** A checkbox: present ("on") when ticked, absent otherwise. */
export const checkbox = z.preprocess((v) => v === 'on' || v === 'true' || v === true || v === '1', z.boolean());

/** A multi-select or checkbox list: one value arrives as a string, several as an array. */
export const idList = z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.string().min(1).max(64)).max(500));

export const locationForm = z.object({ name });

export const groupForm = z.object({
  name,
  locationId: z.string().min(1, 'v.choose-a-location'),
  places: z.coerce.number().int().min(1).max(40),
  questionnaireId: z.string().min(1, 'v.choose-a-questionnaire'),
  active: checkbox,
});

/** A municipality, the locations of its contract, and when its period report is made by itself. */
export const municipalityForm = z.object({
  name,
  locationIds: idList,
  reportEveryMonths: z.preprocess((v) => (v === '' || v === undefined ? null : v), z.coerce.number().pipe(z.union([z.literal(6), z.literal(12)])).nullable()),
  reportLanguage: z.preprocess((v) => (v === '' || v === undefined ? 'nl' : v), z.enum(['nl', 'en'])),
});

const helpResource = z.object({
  name: z.string().trim().max(120),
  contact: z.string().trim().max(200),
  textNl: z.string().trim().max(400),
  textEn: z.string().trim().max(400),
});

/** The help list as a form: rows of four fields; rows left entirely empty are dropped. */
export const helpResourcesForm = z.object({
  resources: z.array(helpResource).max(20),
});

export const cadenceForm = z.object({ cadenceMonths: z.coerce.number().pipe(z.union([z.literal(3), z.literal(4), z.literal(6), z.literal(12)])) });

export type GroupForm = z.output<typeof groupForm>;
export type MunicipalityForm = z.output<typeof municipalityForm>;
