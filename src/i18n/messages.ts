import type { Language } from '../config';
import { backupMessages, doctorMessages } from './admin.messages';
import { validationMessages } from './validation.messages';
import { organisationMessages, roundMessages, staffMessages, userMessages } from './staff.messages';
import { reportMessages } from './report.messages';
import { resultsMessages } from './results.messages';
import { surveyMessages } from './survey.messages';

/**
 * The message catalog: every text a user reads, Dutch first, English beside it.
 * `{name}` placeholders are filled by `t()`. Plain words, B1 Dutch.
 */
const coreMessages = {
  // Questionnaire files (read by quality staff and administrators).
  'q.file.unreadable': { nl: 'bestand kan niet gelezen worden: {reason}', en: 'file cannot be read: {reason}' },
  'q.file.yaml': { nl: 'geen geldige YAML: {reason}', en: 'not valid YAML: {reason}' },
  'q.file.none': { nl: 'geen vragenlijsten gevonden in {dir}', en: 'no questionnaires found in {dir}' },
  'q.duplicate-version': {
    nl: 'vragenlijst {key} staat ook in {other}',
    en: 'questionnaire {key} is also defined in {other}',
  },
  'q.changed-after-registration': {
    nl: 'vragenlijst {key} is veranderd nadat hij in gebruik is genomen; geef de gewijzigde versie een nieuw versienummer',
    en: 'questionnaire {key} changed after it was registered; give the changed file a new version number',
  },
  'q.identifier': { nl: 'gebruik kleine letters, cijfers, "-" of "_", beginnend met een letter', en: 'use lower-case letters, digits, "-" or "_", starting with a letter' },
  'q.language-code': { nl: 'gebruik een taalcode zoals "nl" of "en"', en: 'use a language code such as "nl" or "en"' },
  'q.text-empty': { nl: 'de tekst is leeg', en: 'text is empty' },
  'q.translation.missing': { nl: 'vertaling ontbreekt voor "{lang}"', en: 'translation missing for "{lang}"' },
  'q.translation.undeclared': {
    nl: 'taal "{lang}" staat niet in languages',
    en: 'language "{lang}" is not declared in languages',
  },
  'q.duplicate-id': { nl: 'id "{id}" komt vaker voor', en: 'id "{id}" is used more than once' },
  'q.unknown-scale': {
    nl: 'onbekende schaal "{id}"; bekende schalen: {known}',
    en: 'unknown scale "{id}"; declared scales: {known}',
  },
  'q.unknown-item': { nl: 'onbekend item "{id}"', en: 'unknown item "{id}"' },
  'q.scale-without-items': { nl: 'schaal "{id}" heeft geen items', en: 'scale "{id}" has no items' },
  'q.age-band': { nl: 'min is groter dan max', en: 'min is greater than max' },
  'q.scale-range': { nl: 'min moet kleiner zijn dan max', en: 'min must be less than max' },
  'q.scale-points': {
    nl: 'de punten moeten precies de waarden {min} tot en met {max} hebben, elk één keer',
    en: 'the points must have exactly the values {min} to {max}, once each',
  },
  'q.smileys-partial': {
    nl: 'geef alle punten een smiley, of geen enkel punt',
    en: 'give every point a smiley, or none',
  },
  'q.duplicate-language': { nl: 'taal "{lang}" staat er vaker in', en: 'language "{lang}" is listed more than once' },

  // Start-up and CLI.
  'startup.config-invalid': { nl: 'Ongeldige configuratie', en: 'Invalid configuration' },
  'startup.database-unusable': { nl: 'De database kan niet geopend worden', en: 'The database cannot be opened' },
  'startup.cannot-listen': { nl: 'De server kan niet luisteren op dit adres', en: 'The server cannot listen on this address' },
  'startup.questionnaires-invalid': { nl: 'Ongeldige vragenlijst(en)', en: 'Invalid questionnaire(s)' },
  'startup.listening': { nl: 'Leefklimaat draait op {url}', en: 'Leefklimaat is running at {url}' },
  'startup.setup-link': {
    nl: 'Nog geen beheerder. Maak de eerste beheerder aan via deze eenmalige link:',
    en: 'No administrator yet. Create the first administrator with this one-time link:',
  },
  'startup.migrated': { nl: 'Database bijgewerkt: {names}', en: 'Database migrated: {names}' },
  'startup.secret-unusable': { nl: 'Het sleutelbestand van de server kan niet gebruikt worden', en: 'The server key file cannot be used' },
  'startup.secret-missing': {
    nl: 'Het sleutelbestand ontbreekt, terwijl er gedrukte codes zijn die het nodig hebben. Zet het sleutelbestand uit de back-up terug',
    en: 'The key file is missing while there are printed codes that need it. Restore the key file from the backup',
  },
  'startup.stopping': { nl: 'Leefklimaat stopt…', en: 'Leefklimaat is stopping…' },
  'cli.valid': { nl: '{count} vragenlijst(en) in orde: {keys}', en: '{count} questionnaire(s) valid: {keys}' },
  'cli.migrated': { nl: 'Migraties uitgevoerd: {names}', en: 'Migrations run: {names}' },
  'cli.migrated-none': { nl: 'De database is al bijgewerkt.', en: 'The database is already up to date.' },
  'cli.migrated-down': { nl: 'Teruggedraaid: {names}', en: 'Rolled back: {names}' },
  'cli.user-created': { nl: 'Gebruiker {email} aangemaakt ({role}).', en: 'User {email} created ({role}).' },
  'cli.demo-done': {
    nl: 'Demo geladen: {groups} groepen, {rounds} rondes, {responses} antwoordlijsten.',
    en: 'Demo loaded: {groups} groups, {rounds} rounds, {responses} responses.',
  },
  'cli.demo-exists': {
    nl: 'Deze database heeft al locaties; de demo wordt alleen in een lege installatie geladen.',
    en: 'This database already has locations; the demo is loaded only into an empty installation.',
  },
  'cli.backup-done': { nl: 'Back-up gemaakt: {file} ({size})', en: 'Backup written: {file} ({size})' },
  'cli.backup-key': {
    nl: 'Sleutel van de server ernaast: {file} — bewaar die samen met de back-up, maar niet op dezelfde plek als de database.',
    en: 'The server key beside it: {file} — keep it with the backup, but not in the same place as the database.',
  },
  'cli.error': { nl: 'Fout', en: 'Error' },

  // Pages.
  'home.title': { nl: 'Leefklimaat', en: 'Living climate' },
  'home.intro': {
    nl: 'Hier vullen jongeren anoniem een vragenlijst in over hoe het is op hun groep. Medewerkers zien alleen de uitkomsten van de hele groep.',
    en: 'Here young people anonymously fill in a questionnaire about life in their group. Staff see only the results of the whole group.',
  },
  'error.not-found': { nl: 'Deze pagina bestaat niet.', en: 'This page does not exist.' },
  'error.validation': { nl: 'De invoer klopt niet.', en: 'The input is not valid.' },
  'error.conflict': { nl: 'Dit botst met wat er al is.', en: 'This conflicts with what is already there.' },
  'error.unavailable': { nl: 'Dit lukt nu even niet. Probeer het later opnieuw.', en: 'This is not possible right now. Try again later.' },
  'error.internal': {
    nl: 'Er ging iets mis aan onze kant. Probeer het later opnieuw.',
    en: 'Something went wrong on our side. Please try again later.',
  },
} as const;

export const messages = { ...coreMessages, ...staffMessages, ...organisationMessages, ...userMessages, ...roundMessages, ...surveyMessages, ...resultsMessages, ...reportMessages, ...validationMessages, ...backupMessages, ...doctorMessages } as const satisfies Record<string, Record<Language, string>>;

export type MessageKey = keyof typeof messages;

export function t(lang: Language, key: MessageKey, params: Record<string, string | number> = {}): string {
  return messages[key][lang].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** Both languages, Dutch first, for places that cannot know the reader's language (logs, CLI errors). */
export function tBoth(key: MessageKey, params: Record<string, string | number> = {}): string {
  const nl = t('nl', key, params);
  const en = t('en', key, params);
  return nl === en ? nl : `${nl} / ${en}`;
}

export function isMessageKey(text: string): text is MessageKey {
  return Object.hasOwn(messages, text);
}

/**
 * A message that may be a catalog key (as services and schemas write them) in the reader's
 * language; any other text is returned as it is.
 */
export function translate(lang: Language, text: string, params: Record<string, string | number> = {}): string {
  return isMessageKey(text) ? t(lang, text, params) : text;
}

export function translateBoth(text: string): string {
  return isMessageKey(text) ? tBoth(text) : text;
}
