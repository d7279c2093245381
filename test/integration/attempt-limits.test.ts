import request from 'supertest';
import { createTestApp } from '../support/app';
import { buildInstitution, csrfFrom } from '../support/staff';
import { issueCodes } from '../support/survey';

/** Behind a reverse proxy every young person arrives from the proxy's address. */
describe('attempt limits behind a reverse proxy (TRUST_PROXY)', () => {
  it('count each client by its own address, so one child’s typos do not lock out the group', async () => {
    const ctx = await createTestApp({ TRUST_PROXY: '1' });
    try {
      const org = await buildInstitution(ctx.db);
      const [code] = await issueCodes(ctx.db, ctx.secret, org.roundId, org.groups[0]!, 1);
      const client = async (address: string) => {
        const agent = request.agent(ctx.app);
        const page = await agent.get('/code').set('X-Forwarded-For', address);
        return (typed: string) => agent.post('/code').set('X-Forwarded-For', address).type('form').send({ code: typed, _csrf: csrfFrom(page.text) });
      };
      const clumsy = await client('10.0.0.7');
      for (let i = 0; i < 20; i++) expect((await clumsy('ACDE-2345')).status).toBe(400);
      expect((await clumsy(code!)).status).toBe(429);
      const other = await client('10.0.0.8');
      expect((await other(code!)).status).toBe(303);
    } finally {
      await ctx.cleanup();
    }
  });
});
