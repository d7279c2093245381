import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { StartupError } from './errors';
import { tBoth } from './i18n/messages';

/** The key a key file holds (64 hexadecimal characters, a newline allowed), or undefined when it holds none. */
export function keyInText(text: string): string | undefined {
  const hex = text.trim();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : undefined;
}

/**
 * The server's own secret: a random 32-byte key in a file beside the database, never in it. It keys
 * the hashes of one-time codes (a copy of the database alone cannot be searched for unused codes)
 * and signs the short-lived survey tickets. Back it up with the database: without it, printed codes
 * stop working.
 */
export function loadOrCreateSecret(file: string): Buffer {
  const problem = (message: string, cause?: unknown) =>
    new StartupError(tBoth('startup.secret-unusable'), [{ path: 'SECRET_FILE', message: `${file}: ${message}` }], { cause });
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw problem((error as Error).message, error);
    const key = randomBytes(32);
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      // 'wx': never overwrite a key another process wrote meanwhile.
      fs.writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateSecret(file);
      throw problem((cause as Error).message, cause);
    }
    return key;
  }
  const hex = keyInText(text);
  if (hex === undefined) throw problem('expected 64 hexadecimal characters / 64 hexadecimale tekens verwacht');
  return Buffer.from(hex, 'hex');
}

/** HMAC-SHA256 of `value` for one purpose, hex. The purpose keeps a code hash from ever equalling a signature. */
export function keyedHash(secret: Buffer, purpose: string, value: string): string {
  return createHmac('sha256', secret).update(`${purpose}\0${value}`).digest('hex');
}
