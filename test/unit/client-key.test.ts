import type { Request } from 'express';
import { loadConfig } from '../../src/config';
import { clientKey } from '../../src/http/client';

const from = (ip: string) => clientKey({ ip, socket: {} } as unknown as Request);

describe('the client key of the attempt limits', () => {
  it('is the IPv4 address, also when written as IPv6-mapped', () => {
    expect(from('192.168.1.20')).toBe('192.168.1.20');
    expect(from('::ffff:192.168.1.20')).toBe('192.168.1.20');
  });

  it('is the /64 network of an IPv6 address, however the address is written', () => {
    expect(from('2001:db8:0:0:1:2:3:4')).toBe('2001:db8:0:0::/64');
    expect(from('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(from('2001:0db8:0000:0000:ffff::9')).toBe('2001:db8:0:0::/64');
    expect(from('2001:db8:0:1::1')).not.toBe(from('2001:db8::1'));
  });
});

describe('TRUST_PROXY', () => {
  it('is off unless set, and takes a number of proxies or loopback', () => {
    expect(loadConfig({}).trustProxy).toBe(0);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'loopback' }).trustProxy).toBe('loopback');
    expect(() => loadConfig({ TRUST_PROXY: 'everyone' })).toThrow(expect.objectContaining({ details: [expect.objectContaining({ path: 'TRUST_PROXY' })] }));
  });
});
