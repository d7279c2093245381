import { isTimeZone, localDateTime, localDay } from '../../src/system';

describe('times on the institution’s clock', () => {
  it('shows winter time as UTC+1 and summer time as UTC+2 in Amsterdam', () => {
    expect(localDateTime('2026-11-22T10:05:00.000Z', 'Europe/Amsterdam')).toBe('2026-11-22 11:05');
    expect(localDateTime('2026-07-01T10:05:00.000Z', 'Europe/Amsterdam')).toBe('2026-07-01 12:05');
    expect(localDateTime(new Date('2026-07-01T10:05:00.000Z'), 'UTC')).toBe('2026-07-01 10:05');
  });

  it('crosses the change of clocks and of days as a Dutch wall clock does', () => {
    // 29 March 2026: 02:00 CET becomes 03:00 CEST.
    expect(localDateTime('2026-03-29T00:59:00.000Z', 'Europe/Amsterdam')).toBe('2026-03-29 01:59');
    expect(localDateTime('2026-03-29T01:00:00.000Z', 'Europe/Amsterdam')).toBe('2026-03-29 03:00');
    // Half past eleven at night in UTC is already the next day in the Netherlands, and midnight is 00, not 24.
    expect(localDateTime('2026-11-22T23:30:00.000Z', 'Europe/Amsterdam')).toBe('2026-11-23 00:30');
    expect(localDay('2026-11-22T23:30:00.000Z', 'Europe/Amsterdam')).toBe('2026-11-23');
    expect(localDay('2026-11-22T23:30:00.000Z', 'UTC')).toBe('2026-11-22');
  });

  it('knows real time zone names only', () => {
    expect(isTimeZone('Europe/Amsterdam')).toBe(true);
    expect(isTimeZone('Europe/Amsterdan')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });
});
