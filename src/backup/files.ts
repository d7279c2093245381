import fs from 'node:fs';
import { keyInText } from '../secret';

/**
 * Files that appear whole or not at all: each is written under a `.part` name beside its target
 * and only then given its real name, so an interrupted backup or restore never leaves a half file
 * that looks finished.
 */
export function partName(target: string): string {
  return `${target}.${process.pid}.part`;
}

/**
 * Gives a finished part its real name, never over an existing file: a hard link fails when the
 * name is taken (a plain rename would silently replace it), then the part name goes. Where the
 * file system has no hard links, a rename after checking the name is free.
 */
export function publish(part: string, target: string): void {
  try {
    fs.linkSync(part, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV') throw error;
    if (fs.existsSync(target)) throw Object.assign(new Error(`${target} exists`), { code: 'EEXIST' });
    fs.renameSync(part, target);
    return;
  }
  fs.rmSync(part);
}

/** Removes files a failed step left; never throws (the first error is the one to report). */
export function removeQuietly(...files: (string | undefined)[]): void {
  for (const file of files) if (file !== undefined) fs.rmSync(file, { force: true });
}

/** A key file's content when it holds a key (64 hexadecimal characters), else undefined. */
export function readKey(file: string): string | undefined {
  try {
    return keyInText(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Single quotes for a shell command we print for the administrator to run. */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
