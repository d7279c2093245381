import { startPostgresCluster, type PostgresCluster } from './postgres-cluster';

/**
 * Once per `jest` run: the PostgreSQL server the `postgres` project's tests make their databases
 * on — a private one, unless LEEFKLIMAAT_TEST_POSTGRES_URL names a server to use. Workers inherit
 * the URL through the environment.
 */
export default async function globalSetup(globalConfig: { selectProjects?: string[] | null }): Promise<void> {
  if (process.env['LEEFKLIMAAT_TEST_POSTGRES_URL']) return;
  const selected = globalConfig.selectProjects;
  if (selected && !selected.includes('postgres')) return;
  const cluster = await startPostgresCluster({ durable: false });
  process.env['LEEFKLIMAAT_TEST_POSTGRES_URL'] = cluster.url;
  (globalThis as { __leefklimaatPostgres?: PostgresCluster }).__leefklimaatPostgres = cluster;
}
