import request from 'supertest';
import { createLogger } from '../../src/logger';
import { createTestApp } from '../support/app';
import { buildInstitution } from '../support/staff';
import { issueCodes, submissionFor, tabletCookie } from '../support/survey';

/**
 * SPEC §4.1: logs never hold answers or codes, and nothing stored says when a response arrived.
 * A log line carries its time, so the young people's requests write no line at all.
 */
describe('logs of the survey', () => {
  it('get no line for a young person’s request, while staff requests are logged', async () => {
    const lines: string[] = [];
    const ctx = await createTestApp({}, { logger: createLogger('debug', (line) => lines.push(line)) });
    try {
      const org = await buildInstitution(ctx.db);
      const q = ctx.questionnaires.get('lk-jeugd', 1)!;
      const [code] = await issueCodes(ctx.db, ctx.secret, org.roundId, org.groups[1]!, 1);
      const tablet = await tabletCookie(ctx.db, org.roundId, org.groups[0]!, org.users.group_leader.id);

      const agent = request.agent(ctx.app);
      const page = await agent.get('/survey/questions').set('Cookie', tablet);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
      const body = { ...submissionFor(q, org.roundId, org.groups[0]!, () => 4), open: { change: 'Een eigen kamer graag' } };
      const sent = await agent.post('/survey/submit').set('Cookie', tablet).set('x-csrf-token', csrf).set('Accept', 'application/json').send(body);
      expect(sent.status).toBe(200);
      const typed = await agent.post('/code').type('form').send({ code, _csrf: csrf });
      expect(typed.status).toBe(303);
      await agent.get('/survey');
      expect(lines).toEqual([]);

      await request(ctx.app).get('/staff').set('Cookie', org.users.manager.cookie).expect(200);
      expect(lines.map((l) => JSON.parse(l) as { route: string })).toEqual([expect.objectContaining({ route: '/staff' })]);
      expect(lines.join('\n')).not.toContain(code!);
    } finally {
      await ctx.cleanup();
    }
  });
});
