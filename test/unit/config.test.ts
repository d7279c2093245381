import path from 'node:path';
import { describeDatabase, loadConfig } from '../../src/config';
import { StartupError } from '../../src/errors';
import { paths } from '../../src/paths';

function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof StartupError) return error.details.map((d) => `${d.path}: ${d.message}`);
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('configuration', () => {
  it('has working defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      anonymityK: 5,
      language: 'nl',
      publicUrl: 'http://localhost:3000',
      publicUrlSet: false,
      timeZone: 'Europe/Amsterdam',
      database: { kind: 'sqlite', file: path.join(paths.root, 'data', 'leefklimaat.sqlite') },
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads every variable', () => {
    const config = loadConfig({ PORT: '8080', ANONYMITY_K: '7', DATABASE_URL: 'sqlite:/tmp/x.sqlite', PUBLIC_URL: 'https://lk.example.nl/', DEFAULT_LANGUAGE: 'en', TIME_ZONE: 'Europe/Brussels' });
    expect(config).toMatchObject({ port: 8080, anonymityK: 7, database: { file: '/tmp/x.sqlite' }, publicUrl: 'https://lk.example.nl', publicUrlSet: true, language: 'en', timeZone: 'Europe/Brussels' });
  });

  it('is not disturbed by the system’s gettext LANGUAGE variable', () => {
    expect(loadConfig({ LANGUAGE: 'en_US:en' }).language).toBe('nl');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '' }).port).toBe(3000);
  });

  it('never lets k go below 3, and names the variable', () => {
    expect(problems({ ANONYMITY_K: '2' })).toEqual(['ANONYMITY_K: mag nooit lager zijn dan 3 / may never be below 3']);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['ANONYMITY_K', '4.5'],
    ['PUBLIC_URL', 'ftp://example.nl'],
    ['DEFAULT_LANGUAGE', 'de'],
    ['LOG_LEVEL', 'loud'],
    ['TIME_ZONE', 'Europe/Amsterdan'],
    ['TIME_ZONE', 'CET+1'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    const found = problems({ [name]: value });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(new RegExp(`^${name}: `));
  });

  it('takes a postgres:// URL as PostgreSQL, with its pool size', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://lk:geheim@db.example.nl:5432/leefklimaat' }).database).toEqual({
      kind: 'postgres',
      url: 'postgres://lk:geheim@db.example.nl:5432/leefklimaat',
      poolSize: 10,
    });
    expect(loadConfig({ DATABASE_URL: 'postgresql://lk@db/lk', DATABASE_POOL_SIZE: '25' }).database).toMatchObject({ kind: 'postgres', poolSize: 25 });
    // The key file cannot live beside a database on another machine: the server's data folder.
    expect(loadConfig({ DATABASE_URL: 'postgres://lk@db/lk' }).secretFile).toMatch(/data\/leefklimaat\.key$/);
  });

  it.each([
    ['postgres://db.example.nl', /de naam van de database ontbreekt/],
    ['postgres://lk@db.example.nl:99999/lk', /geen geldige PostgreSQL-URL/],
  ])('refuses the PostgreSQL URL %s, saying what is wrong', (url, message) => {
    const found = problems({ DATABASE_URL: url });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^DATABASE_URL: /);
    expect(found[0]).toMatch(message);
  });

  it('refuses a pool size that is not a whole number from 2 to 100', () => {
    expect(problems({ DATABASE_URL: 'postgres://lk@db/lk', DATABASE_POOL_SIZE: '1' })[0]).toMatch(/^DATABASE_POOL_SIZE: /);
    expect(problems({ DATABASE_POOL_SIZE: 'veel' })[0]).toMatch(/^DATABASE_POOL_SIZE: /);
  });

  it('never shows the database password in messages', () => {
    expect(describeDatabase({ kind: 'postgres', url: 'postgres://lk:geheim@db:5432/lk', poolSize: 10 })).toBe('postgres://lk:***@db:5432/lk');
    expect(describeDatabase({ kind: 'sqlite', file: '/var/lib/lk.sqlite' })).toBe('/var/lib/lk.sqlite');
  });
});
