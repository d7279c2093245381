import { readTicket, signTicket, type Ticket } from '../../src/survey/ticket';

const secret = Buffer.alloc(32, 3);
const now = new Date('2026-11-22T10:00:00.000Z');
const ticket: Ticket = { kind: 'code', round: 'r1', group: 'g1', codeHash: 'abc', expires: now.getTime() + 60_000 };

describe('survey tickets', () => {
  it('read back what was signed', () => {
    expect(readTicket(secret, signTicket(secret, ticket), 'code', now)).toEqual(ticket);
  });

  it('refuse a changed payload, a changed signature or another key', () => {
    const token = signTicket(secret, ticket);
    const [payload, signature] = token.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ ...ticket, group: 'g2' })).toString('base64url');
    expect(readTicket(secret, `${forged}.${signature}`, 'code', now)).toBeUndefined();
    expect(readTicket(secret, `${payload}.${signature.replace(/.$/, (c) => (c === '0' ? '1' : '0'))}`, 'code', now)).toBeUndefined();
    expect(readTicket(Buffer.alloc(32, 4), token, 'code', now)).toBeUndefined();
  });

  it('refuse an expired ticket, another kind of ticket and garbage', () => {
    const token = signTicket(secret, ticket);
    expect(readTicket(secret, token, 'code', new Date(ticket.expires))).toBeUndefined();
    expect(readTicket(secret, token, 'done', now)).toBeUndefined();
    for (const garbage of [undefined, '', '.', 'abc', 'a.b.c', `${token}.x`, '%%%.%%%']) {
      expect(readTicket(secret, garbage, 'code', now)).toBeUndefined();
    }
  });
});
