import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StartupError } from '../../src/errors';
import { keyInText, loadOrCreateSecret } from '../../src/secret';

describe('the server key file', () => {
  const KEY = 'ab'.repeat(32);
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secret-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('holds a key only as 64 lower-case hexadecimal characters, a newline allowed', () => {
    expect(keyInText(`${KEY}\n`)).toBe(KEY);
    expect(keyInText(KEY.slice(1))).toBeUndefined();
    expect(keyInText(KEY.toUpperCase())).toBeUndefined();
    expect(keyInText(`${KEY.slice(2)}zz`)).toBeUndefined();
    expect(keyInText('')).toBeUndefined();
  });

  it('is made once, readable by its owner only, and read back the same', () => {
    const file = path.join(dir, 'sub', 'leefklimaat.key');
    const made = loadOrCreateSecret(file);
    expect(made).toHaveLength(32);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(keyInText(fs.readFileSync(file, 'utf8'))).toBe(made.toString('hex'));
    expect(loadOrCreateSecret(file).equals(made)).toBe(true);
  });

  it('stops the server on a file that holds no key, naming SECRET_FILE, and leaves the file as it was', () => {
    const file = path.join(dir, 'leefklimaat.key');
    fs.writeFileSync(file, 'not a key\n');
    let thrown: unknown;
    try {
      loadOrCreateSecret(file);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(StartupError);
    expect((thrown as StartupError).details.map((d) => d.path)).toEqual(['SECRET_FILE']);
    expect(fs.readFileSync(file, 'utf8')).toBe('not a key\n');
  });
});
