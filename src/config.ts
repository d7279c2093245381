import path from 'node:path';
import { z } from 'zod';
import { StartupError, problemsFromZod } from './errors';
import { tBoth } from './i18n/messages';
import { paths } from './paths';

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
    .refine((v) => !/^postgres(ql)?:\/\//.test(v), {
      message:
        'PostgreSQL wordt nog niet ondersteund; gebruik een SQLite-bestandspad. / PostgreSQL is not supported yet; use a SQLite file path.',
    }),
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
  TRUST_PROXY: z
    .string()
    .regex(/^(\d|loopback|uniquelocal|linklocal)$/, 'een aantal proxy’s (0–9) of loopback / a number of proxies (0–9) or loopback')
    .default('0'),
});

export type Language = 'nl' | 'en';

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly database: { readonly kind: 'sqlite'; readonly file: string };
  readonly anonymityK: number;
  readonly publicUrl: string;
  readonly surveysDir: string;
  readonly language: Language;
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
  const databaseFile = sqliteFile(e.DATABASE_URL);
  const dataDir = databaseFile === ':memory:' ? path.join(paths.root, 'data') : path.dirname(databaseFile);
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    database: Object.freeze({ kind: 'sqlite' as const, file: databaseFile }),
    anonymityK: e.ANONYMITY_K,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    surveysDir: path.resolve(paths.root, e.SURVEYS_DIR),
    language: e.DEFAULT_LANGUAGE,
    logLevel: e.LOG_LEVEL,
    chromiumPath: e.CHROMIUM_PATH,
    trustProxy: /^\d$/.test(e.TRUST_PROXY) ? Number(e.TRUST_PROXY) : e.TRUST_PROXY,
    secretFile: e.SECRET_FILE ? path.resolve(paths.root, e.SECRET_FILE) : path.join(dataDir, 'leefklimaat.key'),
  });
}
