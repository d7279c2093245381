// Jest setup file of the `postgres` project: the same tests, on PostgreSQL (see test/support/db.ts).
process.env['LEEFKLIMAAT_TEST_DATABASE'] = 'postgres';
