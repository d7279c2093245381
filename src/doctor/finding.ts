import type { MessageKey } from '../i18n/messages';

export type Status = 'ok' | 'warn' | 'fail' | 'skip';

export type Section = 'config' | 'key' | 'database' | 'questionnaires' | 'chromium';

type Params = Readonly<Record<string, string | number>>;

/**
 * One thing `doctor` looked at: whether it is fine, and if not, what is wrong and what to do about
 * it (catalog messages, printed in both languages), with any lines that belong to it.
 */
export interface Finding {
  readonly section: Section;
  readonly status: Status;
  readonly message: MessageKey;
  readonly params?: Params;
  readonly fix?: MessageKey;
  readonly fixParams?: Params;
  readonly details?: readonly string[];
}

type Rest = Omit<Finding, 'section' | 'status' | 'message' | 'params'>;

/** Findings of one section, written briefly: `f.ok('dr.db-ok', {...})`. */
export function findingsOf(section: Section) {
  const make = (status: Status) => (message: MessageKey, params?: Params, rest: Rest = {}): Finding => ({ section, status, message, ...(params ? { params } : {}), ...rest });
  return { ok: make('ok'), warn: make('warn'), fail: make('fail'), skip: make('skip') };
}
