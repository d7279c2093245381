import { paths } from '../../src/paths';
import type { Questionnaire } from '../../src/questionnaires/questionnaire';
import { loadQuestionnaires } from '../../src/questionnaires/questionnaire.loader';
import { facesFor, interfaceLanguage, languageChoices, questionLanguage, surveyScreens, textDirection } from '../../src/survey/survey.view';

function shipped(id: string): Questionnaire {
  const loaded = loadQuestionnaires(paths.surveys, 'en');
  if (!loaded.ok) throw new Error('shipped questionnaires do not load');
  return loaded.questionnaires.find((q) => q.id === id)!;
}

describe('the smileys of the children’s questionnaire', () => {
  const kind = shipped('lk-kind');

  it('show a happy face for "yes" where agreeing is good', () => {
    // s01 (support, positively worded): "Yes" is good for the child.
    expect(facesFor(kind, 's01')).toEqual(['sad', 'neutral', 'happy']);
  });

  it('turn around where agreeing is bad: reverse-keyed items and repression', () => {
    expect(facesFor(kind, 's05')).toEqual(['happy', 'neutral', 'sad']); // waiting long for staff (reverse-keyed)
    expect(facesFor(kind, 'r01')).toEqual(['happy', 'neutral', 'sad']); // almost nothing allowed (repression)
    expect(facesFor(kind, 'a03')).toEqual(['happy', 'neutral', 'sad']); // bullying (reverse-keyed)
    // Reverse-keyed within repression: choosing freely after school is good again.
    expect(facesFor(kind, 'r06')).toEqual(['sad', 'neutral', 'happy']);
  });

  it('never put a happy face on "yes" for an item where yes is bad, on any item', () => {
    for (const item of kind.items) {
      const scale = kind.scales.find((s) => s.id === item.scale)!;
      const yesIsGood = scale.higherIsBetter !== item.reverse;
      expect([item.id, facesFor(kind, item.id).at(-1)]).toEqual([item.id, yesIsGood ? 'happy' : 'sad']);
    }
  });

  it('keep the words in scale order: the values and labels do not move, only the faces', () => {
    const screen = surveyScreens(kind, 'nl').find((s) => s.id === 'r01')!;
    expect(screen.options.map((o) => [o.value, o.label])).toEqual([
      [1, 'Nee'],
      [2, 'Een beetje'],
      [3, 'Ja'],
    ]);
  });
});

describe('survey screens', () => {
  const jeugd = shipped('lk-jeugd');

  it('are the items, then the open questions, numbered through', () => {
    const screens = surveyScreens(jeugd, 'en');
    expect(screens).toHaveLength(jeugd.items.length + jeugd.openQuestions.length);
    expect(screens.map((s) => s.number)).toEqual(screens.map((_, i) => i + 1));
    expect(screens[0]!.field).toBe(`a:${jeugd.items[0]!.id}`);
    expect(screens.at(-1)!.kind).toBe(jeugd.openQuestions.length > 0 ? 'open' : 'item');
    expect(screens[0]!.text).toBe(jeugd.items[0]!.text['en']);
    // Read aloud: the question, then the answers to choose from.
    expect(screens[0]!.spoken).toContain(jeugd.items[0]!.text['en']!);
    expect(screens[0]!.spoken).toContain(jeugd.responseScale.points.at(-1)!.label['en']!);
  });
});

describe('languages', () => {
  it('lays out right-to-left scripts from the right', () => {
    expect(textDirection('ar')).toBe('rtl');
    expect(textDirection('fa')).toBe('rtl');
    expect(textDirection('he')).toBe('rtl');
    expect(textDirection('nl')).toBe('ltr');
    expect(textDirection('pt-BR')).toBe('ltr');
  });

  it('shows questions in the language asked for only when the questionnaire has it', () => {
    const q = { languages: ['nl', 'en', 'ar'] };
    expect(questionLanguage(q, 'ar')).toBe('ar');
    expect(questionLanguage(q, 'de')).toBe('nl');
    expect(questionLanguage(q, ['en'])).toBe('nl');
    expect(questionLanguage(q, undefined)).toBe('nl');
  });

  it('uses our own Dutch or English texts beside questions in another language', () => {
    expect(interfaceLanguage('en', 'nl')).toBe('en');
    expect(interfaceLanguage('ar', 'nl')).toBe('nl');
  });

  it('names each language in itself', () => {
    expect(languageChoices({ languages: ['nl', 'en', 'ar'] }, 'en').map((l) => [l.name, l.current, l.dir])).toEqual([
      ['Nederlands', false, 'ltr'],
      ['English', true, 'ltr'],
      ['العربية', false, 'rtl'],
    ]);
  });
});
