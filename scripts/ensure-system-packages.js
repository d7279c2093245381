#!/usr/bin/env node
// Before the tests: make sure the system programs they drive are here — Chromium (browser tests,
// PDF reports), pdftotext (reading PDFs back) and PostgreSQL's programs (the integration tests
// run a second time on a private PostgreSQL server; not needed when LEEFKLIMAAT_TEST_POSTGRES_URL
// names a server). A system Chromium is used when found, else the
// one puppeteer downloaded; else, on Debian as root, Debian's packages are installed. Never a
// silent skip: when nothing works, this says what to install and fails.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');

const SYSTEM_BROWSERS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome-stable', '/usr/bin/google-chrome'];

function onPath(command) {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function postgresInstalled() {
  const root = '/usr/lib/postgresql';
  if (process.env.PG_BINDIR && fs.existsSync(`${process.env.PG_BINDIR}/initdb`)) return true;
  return fs.existsSync(root) && fs.readdirSync(root).some((v) => fs.existsSync(`${root}/${v}/bin/initdb`));
}

async function puppeteerBrowser() {
  try {
    const { default: puppeteer } = await import('puppeteer');
    const path = await puppeteer.executablePath();
    return fs.existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

async function main() {
  const configured = process.env.CHROMIUM_PATH;
  const browser = configured && fs.existsSync(configured) ? configured : SYSTEM_BROWSERS.find((p) => fs.existsSync(p)) ?? (await puppeteerBrowser());
  const missing = [];
  if (!browser) missing.push('chromium');
  if (!onPath('pdftotext')) missing.push('poppler-utils');
  if (!process.env.LEEFKLIMAAT_TEST_POSTGRES_URL && !postgresInstalled()) missing.push('postgresql');
  if (missing.length === 0) return;

  const debian = fs.existsSync('/etc/debian_version');
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!debian || !root) {
    console.error(`De tests hebben nodig / The tests need: ${missing.join(', ')}.`);
    console.error('Installeer deze pakketten, of zet CHROMIUM_PATH naar een Chromium of Chrome (en LEEFKLIMAAT_TEST_POSTGRES_URL naar een PostgreSQL-server). / Install these packages, or set CHROMIUM_PATH to a Chromium or Chrome (and LEEFKLIMAAT_TEST_POSTGRES_URL to a PostgreSQL server).');
    process.exit(1);
  }
  console.log(`Debian-pakketten installeren / installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit', env });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
