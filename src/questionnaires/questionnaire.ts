/**
 * A loaded, validated questionnaire version: the domain type the rest of the server uses.
 * Built from a file by `questionnaire.loader.ts`; never constructed from unchecked input.
 */
export type LocalizedText = Readonly<Record<string, string>>;

export type Smiley = 'very-sad' | 'sad' | 'neutral' | 'happy' | 'very-happy';

export interface ScalePoint {
  readonly value: number;
  readonly label: LocalizedText;
  readonly smiley?: Smiley;
}

export interface ScaleDefinition {
  readonly id: string;
  readonly name: LocalizedText;
  readonly description: LocalizedText;
  readonly higherIsBetter: boolean;
}

export interface ItemDefinition {
  readonly id: string;
  readonly scale: string;
  readonly text: LocalizedText;
  readonly simple: LocalizedText;
  readonly reverse: boolean;
}

export interface OpenQuestion {
  readonly id: string;
  readonly text: LocalizedText;
  readonly simple?: LocalizedText;
}

export interface TotalDefinition {
  readonly id: string;
  readonly name: LocalizedText;
  readonly description: LocalizedText;
  readonly components: readonly { readonly scale: string; readonly reverse: boolean }[];
}

/** What scoring needs to know; a full questionnaire is one, and so is a test's small model. */
export interface ScoringModel {
  readonly responseScale: { readonly min: number; readonly max: number };
  readonly scales: readonly Pick<ScaleDefinition, 'id'>[];
  readonly items: readonly Pick<ItemDefinition, 'id' | 'scale' | 'reverse'>[];
  readonly scoring: {
    readonly minAnsweredShare: number;
    readonly total?: Pick<TotalDefinition, 'id' | 'components'>;
  };
}

export interface Questionnaire extends ScoringModel {
  readonly id: string;
  readonly version: number;
  readonly title: LocalizedText;
  readonly ageBand: { readonly min: number; readonly max: number };
  readonly languages: readonly string[];
  readonly source: string;
  readonly responseScale: { readonly min: number; readonly max: number; readonly points: readonly ScalePoint[] };
  readonly scales: readonly ScaleDefinition[];
  readonly items: readonly ItemDefinition[];
  readonly openQuestions: readonly OpenQuestion[];
  readonly scoring: { readonly minAnsweredShare: number; readonly total?: TotalDefinition };
  /** SHA-256 (hex) of the file's bytes, registered with the version in the database. */
  readonly sha256: string;
  /** The file it was loaded from, relative to the surveys directory. */
  readonly file: string;
}

/** `lk-jeugd@2`: how a questionnaire version is named in messages and keys. */
export function questionnaireKey(q: Pick<Questionnaire, 'id' | 'version'>): string {
  return `${q.id}@${q.version}`;
}
