import request from 'supertest';
import { createTestApp } from '../support/app';

describe('the server', () => {
  let ctx: Awaited<ReturnType<typeof createTestApp>>;
  beforeAll(async () => {
    ctx = await createTestApp();
  });
  afterAll(() => ctx.cleanup());

  it('answers /healthz with the database status and the loaded questionnaires', async () => {
    const res = await request(ctx.app).get('/healthz').expect(200).expect('content-type', /json/);
    expect(res.body.status).toBe('ok');
    expect(res.body.database).toBe('ok');
    expect(res.body.questionnaires.map((q: { id: string }) => q.id)).toEqual(['lk-jeugd', 'lk-jongvolwassen', 'lk-kind']);
  });

  it('reports the database as unavailable when it does not answer', async () => {
    const broken = await createTestApp();
    await broken.db.destroy();
    const res = await request(broken.app).get('/healthz').expect(503);
    expect(res.body.database).toBe('unavailable');
    await broken.cleanup().catch(() => undefined);
  });

  it('shows a plain start page in Dutch, and in English on request', async () => {
    const nl = await request(ctx.app).get('/').expect(200).expect('content-type', /html/);
    expect(nl.text).toContain('<html lang="nl"');
    expect(nl.text).toContain('anoniem');
    const en = await request(ctx.app).get('/?lang=en').expect(200);
    expect(en.text).toContain('<html lang="en"');
    expect(en.text).toContain('anonymously');
  });

  it('falls back to Dutch for a language it does not have', async () => {
    const res = await request(ctx.app).get('/?lang=xx').expect(200);
    expect(res.text).toContain('<html lang="nl"');
  });

  it('sends a strict Content-Security-Policy and no framework fingerprint', async () => {
    const res = await request(ctx.app).get('/');
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });

  it('serves its own stylesheet', async () => {
    await request(ctx.app).get('/static/css/base.css').expect(200).expect('content-type', /css/);
  });

  it('answers an unknown path with a clear 404, as JSON or as a page', async () => {
    const json = await request(ctx.app).get('/no-such-page').set('accept', 'application/json').expect(404);
    expect(json.body).toEqual({ error: { code: 'not-found', message: 'Deze pagina bestaat niet.', details: [] } });
    const page = await request(ctx.app).get('/no-such-page?lang=en').set('accept', 'text/html').expect(404);
    expect(page.text).toContain('This page does not exist.');
  });

  it('escapes what a visitor puts in the address', async () => {
    const res = await request(ctx.app).get('/<script>alert(1)</script>').set('accept', 'text/html').expect(404);
    expect(res.text).not.toContain('<script>alert(1)</script>');
  });
});
