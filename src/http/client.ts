import { isIPv6 } from 'node:net';
import type { Request } from 'express';

/**
 * Who is trying, for the attempt limits on sign-in, codes and PINs: the client's address (behind a
 * reverse proxy, the one it reports, when TRUST_PROXY says so), an IPv6 address by its /64 network,
 * since one device may use many addresses in it. In memory only: never stored, never logged.
 */
export function clientKey(req: Request): string {
  const address = (req.ip ?? req.socket.remoteAddress ?? 'unknown').replace(/^::ffff:/, '');
  if (!isIPv6(address)) return address;
  return `${ipv6Groups(address).slice(0, 4).join(':')}::/64`;
}

/** The eight groups of an IPv6 address, written out (`2001:db8::1` → 2001, db8, 0, 0, 0, 0, 0, 1). */
function ipv6Groups(address: string): string[] {
  const [head = '', tail] = address.split('%')[0]!.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const middle = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...middle, ...right].map((g) => parseInt(g, 16).toString(16));
}
