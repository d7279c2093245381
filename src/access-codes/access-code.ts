import { randomInt } from 'node:crypto';
import { keyedHash } from '../secret';

/**
 * One-time codes for young people (SPEC §5): 8 characters in two groups of four, from an
 * alphabet without look-alikes (no 0/O, 1/I/L, 5/S, 8/B), so a child can type what is printed.
 * 28^8 ≈ 3.8 · 10^11 codes; with code entry rate-limited, guessing one is hopeless.
 */
export const CODE_ALPHABET = 'ACDEFGHJKMNPQRTUVWXYZ2345679';

export function generateCode(): string {
  let code = '';
  for (let i = 0; i < 8; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** What a young person typed, as stored: upper case, look-alikes mapped, separators dropped. */
export function normaliseCode(input: string): string {
  return input
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1')
    .replace(/S/g, '5')
    .replace(/B/g, '8');
}

/**
 * Only the hash is stored; the printed sheet is the only copy of the codes themselves. Keyed with
 * the server's secret (kept outside the database): with 28^8 codes an unkeyed hash could be searched
 * exhaustively by anyone holding a copy of the database.
 */
export function hashCode(secret: Buffer, code: string): string {
  return keyedHash(secret, 'access-code', normaliseCode(code));
}
