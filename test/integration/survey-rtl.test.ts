import fs from 'node:fs';
import path from 'node:path';
import { paths } from '../../src/paths';
import type { Questionnaire } from '../../src/questionnaires/questionnaire';
import { loadQuestionnaires } from '../../src/questionnaires/questionnaire.loader';
import { defaultSurveyTimings } from '../../src/survey/survey.routes';
import { surveyScreens, textDirection } from '../../src/survey/survey.view';
import { createPageRenderer } from '../../src/views/render';

/** Adds an Arabic text beside every English one: a stand-in for an institution's translated file. */
function withArabic(q: Questionnaire): Questionnaire {
  const add = (text: Readonly<Record<string, string>>) => ({ ...text, ar: `ع ${text['en']}` });
  return {
    ...q,
    languages: [...q.languages, 'ar'],
    responseScale: { ...q.responseScale, points: q.responseScale.points.map((p) => ({ ...p, label: add(p.label) })) },
    items: q.items.map((i) => ({ ...i, text: add(i.text), simple: add(i.simple) })),
    openQuestions: q.openQuestions.map((o) => ({ ...o, text: add(o.text), simple: o.simple && add(o.simple) })),
  };
}

describe('right-to-left questionnaires', () => {
  const loaded = loadQuestionnaires(paths.surveys, 'en');
  if (!loaded.ok) throw new Error('shipped questionnaires do not load');
  const q = withArabic(loaded.questionnaires.find((x) => x.id === 'lk-kind')!);

  it('render the questions right to left, in the questionnaire language, beside our own texts', () => {
    const views = createPageRenderer(paths.views);
    const html = views.render('survey-questions', {
      lang: 'nl',
      layout: 'survey',
      textLang: 'ar',
      dir: textDirection('ar'),
      csrfToken: 't',
      screens: surveyScreens(q, 'ar'),
      total: q.items.length,
      smileys: true,
      submissionId: 's',
      roundId: 'r',
      groupId: 'g',
      timings: defaultSurveyTimings,
    });
    // Our own texts (buttons) are Dutch; each question, its answers and its explanation Arabic.
    expect(html).toMatch(/<html lang="nl" dir="ltr"/);
    expect(html).toContain(`lang="ar" dir="rtl">ع ${q.items[0]!.text['en']}</h2>`);
    expect(html).toContain(`lang="ar" dir="rtl">ع ${q.responseScale.points[0]!.label['en']}</span>`);
    expect(html).toContain(`lang="ar" dir="rtl">ع ${q.items[0]!.simple['en']}</p>`);
    expect(html).toContain('data-lang="ar"');
  });

  it('lay out with logical properties only, so the mirror image is right', () => {
    const css = fs.readFileSync(path.join(paths.public, 'css', 'survey.css'), 'utf8');
    expect(css).not.toMatch(/(margin|padding|border)-(left|right)\b|\b(left|right)\s*:|float\s*:|text-align\s*:\s*(left|right)/);
  });
});
