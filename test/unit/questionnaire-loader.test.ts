import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { paths } from '../../src/paths';
import { formatProblem, loadQuestionnaires, parseQuestionnaire } from '../../src/questionnaires/questionnaire.loader';
import { respondentScores } from '../../src/results/scoring';

const fixtures = path.join(__dirname, '..', 'fixtures');
const shipped = fs.readFileSync(path.join(paths.surveys, 'lk-jeugd.v1.yaml'), 'utf8');

/** The shipped youth questionnaire with one change applied: the smallest realistic broken file. */
function variant(change: (doc: any) => void): string {
  const doc = YAML.parse(shipped);
  change(doc);
  return YAML.stringify(doc);
}

function problemsOf(text: string, lang: 'nl' | 'en' = 'en') {
  const result = parseQuestionnaire('q.yaml', text, lang);
  if (result.ok) throw new Error('expected problems, the file was accepted');
  return result.problems.map(formatProblem);
}

describe('loading questionnaires', () => {
  it('accepts every questionnaire the project ships', () => {
    const result = loadQuestionnaires(paths.surveys, 'nl');
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
    const ids = result.questionnaires.map((q) => q.id).sort();
    expect(ids).toEqual(['lk-jeugd', 'lk-jongvolwassen', 'lk-kind']);
    for (const q of result.questionnaires) {
      expect(q.languages).toEqual(['nl', 'en']);
      expect(q.scales.map((s) => s.id)).toEqual(['support', 'growth', 'repression', 'atmosphere']);
      for (const scale of q.scales) {
        const items = q.items.filter((i) => i.scale === scale.id).length;
        expect({ q: q.id, scale: scale.id, enough: items >= 5 && items <= 10 }).toEqual({ q: q.id, scale: scale.id, enough: true });
      }
      expect(q.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
    const children = result.questionnaires.find((q) => q.id === 'lk-kind')!;
    expect(children.responseScale.points.map((p) => p.smiley)).toEqual(['sad', 'neutral', 'happy']);
  });

  it('gives one clear message per problem in a broken file, naming file and path', () => {
    const result = loadQuestionnaires(path.join(fixtures, 'surveys-broken'), 'en');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map(formatProblem)).toEqual([
      'broken.v1.yaml:items.0.scale: unknown scale "suport"; declared scales: support',
      'broken.v1.yaml:items.1.text.en: translation missing for "en"',
      'broken.v1.yaml:scoring.reverseKeyed.0: unknown item "s99"',
    ]);
  });

  it('speaks Dutch by default, including the shape errors', () => {
    expect(problemsOf(variant((d) => (d.items[0].scale = 'suport')), 'nl')).toEqual([
      'q.yaml:items.0.scale: onbekende schaal "suport"; bekende schalen: support, growth, repression, atmosphere',
    ]);
    expect(problemsOf(variant((d) => (d.version = 'een')), 'nl')[0]).toMatch(/^q\.yaml:version: Ongeldige invoer/);
  });

  it('loads a two-factor instrument with another scale, a third language and no total', () => {
    const result = loadQuestionnaires(path.join(fixtures, 'surveys-two-factor'), 'en');
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
    const q = result.questionnaires[0]!;
    expect(q.scales.map((s) => s.id)).toEqual(['openness', 'control']);
    expect(respondentScores(q, { o1: 3, o2: 0, c1: 1, c2: 2 })).toEqual({ scales: { openness: 3, control: 1.5 }, total: undefined });
  });

  it('loads a five-scale instrument without code changes', () => {
    const text = variant((d) => {
      d.scales.push({ id: 'autonomy', name: { nl: 'Autonomie', en: 'Autonomy' }, description: { nl: 'Zelf kiezen.', en: 'Own choices.' } });
      for (const n of [1, 2, 3, 4, 5]) {
        d.items.push({ id: `au${n}`, scale: 'autonomy', text: { nl: `Vraag ${n}`, en: `Item ${n}` }, simple: { nl: `V${n}`, en: `I${n}` } });
      }
      d.scoring.total.components.push({ scale: 'autonomy' });
    });
    const result = parseQuestionnaire('five.yaml', text, 'en');
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.questionnaire.scales).toHaveLength(5);
  });

  it.each([
    ['an unknown key', (d: any) => (d.colour = 'blue'), 'q.yaml: Unrecognized key: "colour"'],
    ['an undeclared language', (d: any) => (d.title.de = 'Gruppe'), 'q.yaml:title.de: language "de" is not declared in languages'],
    ['a gap in the response scale', (d: any) => d.responseScale.points.splice(2, 1), 'q.yaml:responseScale.points: the points must have exactly the values 1 to 5, once each'],
    ['a duplicate item id', (d: any) => (d.items[1].id = d.items[0].id), `q.yaml:items.1.id: id "${YAML.parse(shipped).items[0].id}" is used more than once`],
    ['a scale without items', (d: any) => d.scales.push({ id: 'empty', name: { nl: 'L', en: 'E' }, description: { nl: 'L', en: 'E' } }), 'q.yaml:scales.4: scale "empty" has no items'],
    ['a total over an unknown scale', (d: any) => (d.scoring.total.components[0].scale = 'steun'), 'q.yaml:scoring.total.components.0.scale: unknown scale "steun"; declared scales: support, growth, repression, atmosphere'],
    ['a share above 1', (d: any) => (d.scoring.minAnsweredShare = 1.5), 'q.yaml:scoring.minAnsweredShare: Too big: expected number to be <=1'],
    ['an empty text', (d: any) => (d.items[0].text.nl = '  '), 'q.yaml:items.0.text.nl: text is empty'],
    ['some points with a smiley and some without', (d: any) => (d.responseScale.points[0].smiley = 'sad'), 'q.yaml:responseScale.points: give every point a smiley, or none'],
  ])('refuses %s with a message that says so', (_name, change, message) => {
    expect(problemsOf(variant(change))).toEqual([message]);
  });

  it('refuses text that is not YAML, saying where', () => {
    const [problem] = problemsOf('id: [unclosed\nversion: 1\n');
    expect(problem).toMatch(/^q\.yaml: not valid YAML: .*line/);
  });

  it('refuses two files with the same id and version', () => {
    const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'surveys-'));
    try {
      fs.writeFileSync(path.join(dir, 'a.yaml'), shipped);
      fs.writeFileSync(path.join(dir, 'b.yaml'), shipped);
      const result = loadQuestionnaires(dir, 'en');
      expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual(['b.yaml:id: questionnaire lk-jeugd@1 is also defined in a.yaml']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says so when a folder has no questionnaires', () => {
    const result = loadQuestionnaires(path.join(fixtures, 'does-not-exist'), 'en');
    expect(result.ok).toBe(false);
  });
});

describe('the questionnaire hash', () => {
  it('ignores line endings, comments and key order, but not content', () => {
    const hash = (text: string) => {
      const result = parseQuestionnaire('q.yaml', text, 'en');
      if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
      return result.questionnaire.sha256;
    };
    const original = hash(shipped);
    expect(hash(shipped.replace(/\n/g, '\r\n'))).toBe(original);
    expect(hash(`# a new comment\n${shipped}`)).toBe(original);
    const reordered = YAML.parse(shipped);
    expect(hash(YAML.stringify(Object.fromEntries(Object.entries(reordered).reverse())))).toBe(original);
    expect(hash(variant((d) => (d.items[0].text.nl = 'Een andere zin.')))).not.toBe(original);
  });

  it('reports a duplicate id between an item and an open question at the open question', () => {
    const text = variant((d) => (d.openQuestions[0].id = d.items[0].id));
    expect(problemsOf(text)).toEqual([`q.yaml:openQuestions.0.id: id "${YAML.parse(shipped).items[0].id}" is used more than once`]);
  });

  it('says so when a folder has no questionnaire files', () => {
    const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'empty-surveys-'));
    try {
      const result = loadQuestionnaires(dir, 'en');
      expect(result.ok ? [] : result.problems.map((p) => p.message)).toEqual([`no questionnaires found in ${dir}`]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('questionnaire messages', () => {
  it('are Dutch when the server speaks Dutch, also for our own shape rules', () => {
    expect(problemsOf(variant((d) => (d.id = 'Jeugd Lijst')), 'nl')).toEqual(['q.yaml:id: gebruik kleine letters, cijfers, "-" of "_", beginnend met een letter']);
    expect(problemsOf(variant((d) => (d.items[0].text.nl = ' ')), 'nl')).toEqual(['q.yaml:items.0.text.nl: de tekst is leeg']);
  });
});
