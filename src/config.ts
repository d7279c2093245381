import path from 'node:path';
import { z } from 'zod';
import { StartupError, problemsFromZod } from './errors';
import { tBoth } from './i18n/messages';
import { paths } from './paths';
import { isTimeZone } from './system';

/**
 * All configuration, from the environment, checked once. Nothing else reads `process.env`.
 * Every variable is documented in the README's configuration table.
 */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .min(1)
    .default(path.join('data', 'leefklimaat.sqlite'))
    .superRefine((value, ctx) => {
      const problem = /^postgres(ql)?:/i.test(value) ? postgresUrlProblem(value) : undefined;
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  DATABASE_POOL_SIZE: z.coerce.number().int('moet een geheel getal zijn / must be a whole number').min(2).max(100).default(10),
  ANONYMITY_K: z.coerce
    .number()
    .int('moet een geheel getal zijn / must be a whole number')
    .min(3, 'mag nooit lager zijn dan 3 / may never be below 3')
    .max(100)
    .default(5),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  SURVEYS_DIR: z.string().min(1).default(paths.surveys),
  DEFAULT_LANGUAGE: z.enum(['nl', 'en']).default('nl'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  CHROMIUM_PATH: z.string().min(1).optional(),
  SECRET_FILE: z.string().min(1).optional(),
  TIME_ZONE: z
    .string()
    .default('Europe/Amsterdam')
    .refine(isTimeZone, 'geen bekende tijdzone; bijvoorbeeld Europe/Amsterdam / not a known time zone; for example Europe/Amsterdam'),
  TRUST_PROXY: z
    .string()
    .regex(/^(\d|loopback|uniquelocal|linklocal)$/, 'een aantal proxy’s (0–9) of loopback / a number of proxies (0–9) or loopback')
    .default('0'),
});

export type Language = 'nl' | 'en';

/**
 * The embedded SQLite file (the default), or a PostgreSQL server for a host serving many
 * institutions (`postgres://user:password@host:5432/database`).
 */
export type DatabaseConfig =
  | { readonly kind: 'sqlite'; readonly file: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly poolSize: number };

/** What is wrong with a `postgres://` URL, or nothing. */
function postgresUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'geen geldige PostgreSQL-URL; gebruik postgres://gebruiker:wachtwoord@host:5432/database / not a valid PostgreSQL URL; use postgres://user:password@host:5432/database';
  }
  if (url.pathname.replace(/^\//, '') === '') return 'de naam van de database ontbreekt (postgres://…/leefklimaat) / the database name is missing (postgres://…/leefklimaat)';
  return undefined;
}

/** The database for messages and logs: a file path, or the PostgreSQL URL without its password. */
export function describeDatabase(database: DatabaseConfig): string {
  if (database.kind === 'sqlite') return database.file;
  const url = new URL(database.url);
  if (url.password) url.password = '***';
  return url.toString();
}

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly database: DatabaseConfig;
  readonly anonymityK: number;
  readonly publicUrl: string;
  /** Whether PUBLIC_URL was set: only then is `publicUrl` known to be an address others can reach. */
  readonly publicUrlSet: boolean;
  readonly surveysDir: string;
  readonly language: Language;
  /** The institution's clock, for times shown to staff and printed in reports (IANA name). */
  readonly timeZone: string;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  readonly chromiumPath: string | undefined;
  /** The server's secret key (see `secret.ts`); beside the database unless set. */
  readonly secretFile: string;
  /** Express's `trust proxy`: how far to believe X-Forwarded-For for the client's address. */
  readonly trustProxy: number | string;
}

/** `sqlite:relative/file`, `file:…` or a bare path; `:memory:` for tests. */
function sqliteFile(url: string): string {
  const bare = url.replace(/^(sqlite|file):(\/\/)?/, '');
  return bare === ':memory:' ? bare : path.resolve(paths.root, bare);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty variables count as unset: `PORT= npm start` should not be an error.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new StartupError(tBoth('startup.config-invalid'), problemsFromZod(parsed.error));
  }
  const e = parsed.data;
  const database: DatabaseConfig = /^postgres(ql)?:/i.test(e.DATABASE_URL)
    ? { kind: 'postgres', url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE }
    : { kind: 'sqlite', file: sqliteFile(e.DATABASE_URL) };
  // The key lives beside the SQLite file; with PostgreSQL, in the server's own data folder.
  const dataDir = database.kind === 'sqlite' && database.file !== ':memory:' ? path.dirname(database.file) : path.join(paths.root, 'data');
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    database: Object.freeze(database),
    anonymityK: e.ANONYMITY_K,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    publicUrlSet: e.PUBLIC_URL !== undefined,
    surveysDir: path.resolve(paths.root, e.SURVEYS_DIR),
    language: e.DEFAULT_LANGUAGE,
    timeZone: e.TIME_ZONE,
    logLevel: e.LOG_LEVEL,
    chromiumPath: e.CHROMIUM_PATH,
    trustProxy: /^\d$/.test(e.TRUST_PROXY) ? Number(e.TRUST_PROXY) : e.TRUST_PROXY,
    secretFile: e.SECRET_FILE ? path.resolve(paths.root, e.SECRET_FILE) : path.join(dataDir, 'leefklimaat.key'),
  });
}
