import { tBoth, type MessageKey } from '../i18n/messages';
import type { Finding, Section, Status } from './finding';

const SECTIONS: readonly (readonly [Section, MessageKey])[] = [
  ['config', 'dr.section-config'],
  ['database', 'dr.section-database'],
  ['key', 'dr.section-key'],
  ['questionnaires', 'dr.section-questionnaires'],
  ['chromium', 'dr.section-chromium'],
];

const LABELS: Record<Status, MessageKey> = { ok: 'dr.label-ok', warn: 'dr.label-warn', fail: 'dr.label-fail', skip: 'dr.label-skip' };

/**
 * The doctor's findings as the administrator reads them: per section, one line per check with its
 * verdict, then (when something is wrong) the fix, and a last line that counts what is wrong.
 * Both languages, Dutch first: the configured language may be the thing that is wrong.
 */
export function formatDoctor(findings: readonly Finding[]): { lines: string[]; failures: number; warnings: number } {
  const lines = [tBoth('dr.title')];
  for (const [section, title] of SECTIONS) {
    const own = findings.filter((f) => f.section === section);
    if (own.length === 0) continue;
    lines.push('', tBoth(title));
    for (const finding of own) {
      lines.push(`  [${tBoth(LABELS[finding.status])}] ${tBoth(finding.message, finding.params)}`);
      for (const detail of finding.details ?? []) lines.push(`      ${detail}`);
      if (finding.fix) lines.push(`      → ${tBoth('dr.fix')}: ${tBoth(finding.fix, finding.fixParams)}`);
    }
  }
  const failures = findings.filter((f) => f.status === 'fail').length;
  const warnings = findings.filter((f) => f.status === 'warn').length;
  lines.push('', failures === 0 && warnings === 0 ? tBoth('dr.all-ok') : tBoth('dr.summary', { failures, warnings }));
  return { lines, failures, warnings };
}
