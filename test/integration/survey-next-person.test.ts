import request from 'supertest';
import { createTestApp } from '../support/app';
import { buildInstitution, csrfFrom } from '../support/staff';
import { submissionFor, tabletCookie } from '../support/survey';

/**
 * On a group tablet, nothing of one young person's choices may greet the next: after an English
 * questionnaire every way back to the start screen leads to the default language (SPEC §4.1: a
 * tablet left in the language of the one English-speaking child would tell who just answered).
 */
describe('the next young person on a tablet', () => {
  it('starts in the default language, whatever the one before chose', async () => {
    const ctx = await createTestApp();
    try {
      const org = await buildInstitution(ctx.db);
      const tablet = await tabletCookie(ctx.db, org.roundId, org.groups[0]!, org.users.group_leader.id);
      const agent = request.agent(ctx.app);
      const questions = await agent.get('/survey/questions?lang=en').set('Cookie', tablet).expect(200);
      expect(questions.text).toContain('data-start="/survey?fresh=1"');
      const body = submissionFor(ctx.questionnaires.get('lk-jeugd', 1)!, org.roundId, org.groups[0]!);
      const sent = await agent.post('/survey/submit?lang=en').set('Cookie', tablet).set('x-csrf-token', csrfFrom(questions.text)).set('Accept', 'application/json').send(body).expect(200);
      const done = /lk_done=([^;]+)/.exec(String(sent.headers['set-cookie']))![1]!;
      // The closing screens are in the language answered in (it travels in the "just sent" ticket)…
      for (const page of ['/survey/thanks', '/survey/talk']) {
        const closing = await agent.get(page).set('Cookie', `${tablet}; lk_done=${done}`).expect(200);
        expect(closing.text).toContain('<html lang="en"');
        expect(closing.text).toContain('data-start="/survey?fresh=1"');
        expect(closing.text).toContain('<a class="big-button" href="/survey?fresh=1" data-replace>');
      }
      // …and every way back starts fresh: the language is forgotten.
      const fresh = await agent.get('/survey?fresh=1').set('Cookie', `${tablet}; lk_survey_lang=en`).expect(303);
      expect(fresh.headers['location']).toBe('/survey');
      expect(String(fresh.headers['set-cookie'])).toMatch(/lk_survey_lang=;/);
      const start = await agent.get('/survey').set('Cookie', tablet).expect(200);
      expect(start.text).toContain('<html lang="nl"');
    } finally {
      await ctx.cleanup();
    }
  });
});
