import fs from 'node:fs';
import type { Browser } from 'puppeteer';

/** Debian's and other common places for a system Chromium or Chrome. */
const SYSTEM_BROWSERS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome-stable', '/usr/bin/google-chrome'];

/**
 * Flags for headless Chromium on a server: no sandbox (it runs as a service user, often root in
 * containers), no GPU, and none of the background traffic (updates, sync, QUIC) — the server makes
 * no external requests (SPEC: everything is served locally).
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
] as const;

/**
 * The browser to drive: the configured one, else a system Chromium, else the one puppeteer
 * downloaded (where it could). Undefined when there is none: callers say so plainly.
 */
export async function findChromium(configured?: string): Promise<string | undefined> {
  if (configured) return fs.existsSync(configured) ? configured : undefined;
  const system = SYSTEM_BROWSERS.find((p) => fs.existsSync(p));
  if (system) return system;
  try {
    const { default: puppeteer } = await import('puppeteer');
    const downloaded = await puppeteer.executablePath();
    return fs.existsSync(downloaded) ? downloaded : undefined;
  } catch {
    return undefined;
  }
}

export async function launchChromium(configured?: string): Promise<Browser> {
  const executablePath = await findChromium(configured);
  if (!executablePath) {
    throw new Error(
      'Geen Chromium gevonden. Installeer het (Debian: apt-get install chromium) of zet CHROMIUM_PATH. / ' +
        'No Chromium found. Install it (Debian: apt-get install chromium) or set CHROMIUM_PATH.',
    );
  }
  const { default: puppeteer } = await import('puppeteer');
  return puppeteer.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS] });
}
