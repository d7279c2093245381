/**
 * The demo institution: invented names, three locations, eight groups. One group improves over the
 * rounds, one worsens, and one has too few responses in the latest round — so a newcomer sees a
 * trend going each way and a suppressed result at once.
 */
export type Trend = 'steady' | 'improving' | 'worsening';

export interface DemoGroup {
  readonly name: string;
  readonly places: number;
  readonly questionnaireId: string;
  readonly trend: Trend;
  /** Only two responses in the latest round: below any k the server accepts. */
  readonly belowThresholdInLatestRound?: boolean;
}

export const demoInstitution = {
  name: 'Stichting De Vaart (demo)',
  locations: [
    {
      name: 'Locatie Noord',
      groups: [
        { name: 'De Linde', places: 8, questionnaireId: 'lk-jeugd', trend: 'improving' },
        { name: 'De Eik', places: 10, questionnaireId: 'lk-jeugd', trend: 'steady' },
        { name: 'Het Kompas', places: 6, questionnaireId: 'lk-kind', trend: 'steady' },
      ],
    },
    {
      name: 'Locatie Zuid',
      groups: [
        { name: 'De Haven', places: 12, questionnaireId: 'lk-jeugd', trend: 'worsening' },
        { name: 'De Brug', places: 9, questionnaireId: 'lk-jeugd', trend: 'steady' },
        { name: 'De Zonnebloem', places: 7, questionnaireId: 'lk-kind', trend: 'steady', belowThresholdInLatestRound: true },
      ],
    },
    {
      name: 'Locatie Centrum',
      groups: [
        { name: 'De Start', places: 10, questionnaireId: 'lk-jongvolwassen', trend: 'steady' },
        { name: 'De Overstap', places: 8, questionnaireId: 'lk-jongvolwassen', trend: 'steady' },
      ],
    },
  ] satisfies { name: string; groups: DemoGroup[] }[],
  /** Closed half-yearly rounds: two years. */
  closedRounds: 4,
  /** Municipalities buying care, each for some locations; one gets a yearly period report. */
  municipalities: [
    { name: 'Gemeente Rivierstad', locations: ['Locatie Noord', 'Locatie Zuid'], reportEveryMonths: 12 },
    { name: 'Gemeente Polderland', locations: ['Locatie Centrum'], reportEveryMonths: null },
  ],
} as const;

/** Open answers, as young people might write them (invented). */
export const demoOpenAnswers: readonly string[] = [
  'De leiding luistert echt als je iets zegt.',
  'Soms is het te druk op de groep, dan kan ik niet tot rust komen.',
  'Ik wil vaker zelf kiezen wat we in het weekend doen.',
  'Het eten is lekkerder geworden.',
  'Fijn dat ik nu stage kan lopen.',
  'Er wordt te veel gestraft voor kleine dingen.',
  'Meer tijd voor een gesprek met mijn mentor.',
];

/** Improvement actions, as a team might record them (invented). */
export const demoImprovementActions: readonly string[] = [
  'Elke week een groepsoverleg waarin de jongeren het eerste woord hebben.',
  'Huisregels samen met de jongeren opnieuw bekijken en uitleggen waarom ze er zijn.',
  'Vaste rustmomenten na school; de woonkamer is dan stil.',
  'Mentorgesprekken van 30 minuten per week inplannen, niet afzeggen.',
  'Straffen vervangen door een gesprek over wat er gebeurde.',
];
