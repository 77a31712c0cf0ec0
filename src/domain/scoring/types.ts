import Type, { type Static } from 'typebox';
import type { TrackerItem } from '../../trackers/tracker.ts';

/** A support ticket linked to an item: the evidence reach is counted from. */
export const EvidenceSchema = Type.Object({
  /** Ticket key or URL; the same ticket listed twice counts once. */
  ticketRef: Type.String({ minLength: 1 }),
  url: Type.Optional(Type.String()),
  title: Type.Optional(Type.String()),
  /** Tickets of one customer count once; a ticket without a customer counts on its own. A name, as people read it. */
  customerId: Type.Optional(Type.String()),
  /**
   * The reporter's account (Jira accountId, Trello member id) when the customer is whoever reported the ticket: they
   * are told apart by it, since names repeat (Jira shows every deleted account as "Former user") and change.
   */
  accountId: Type.Optional(Type.String()),
  /** A ticket of several customers (shared with several organizations) counts toward each; `customerId` joins them. */
  customers: Type.Optional(Type.Array(Type.String())),
});
export type Evidence = Static<typeof EvidenceSchema>;

export const OverrideSchema = Type.Object({
  value: Type.Number(),
  by: Type.String(),
  at: Type.String(),
});
export type Override = Static<typeof OverrideSchema>;

/** Values a person set with `/score`; they win over anything inferred. Confidence is a fraction (0–1). */
export const OverridesSchema = Type.Object({
  reach: Type.Optional(OverrideSchema),
  impact: Type.Optional(OverrideSchema),
  confidence: Type.Optional(OverrideSchema),
  effort: Type.Optional(OverrideSchema),
  businessValue: Type.Optional(OverrideSchema),
  timeCriticality: Type.Optional(OverrideSchema),
  riskReduction: Type.Optional(OverrideSchema),
});
export type Overrides = Static<typeof OverridesSchema>;
export type OverrideName = keyof Overrides;

export type InputSource =
  | 'override'
  | 'field'
  | 'priority'
  | 'type'
  | 'label'
  | 'keyword'
  | 'estimate'
  | 'inferred'
  | 'default'
  | 'evidence';

export interface ScoreInput {
  value: number;
  source: InputSource;
  /** What a person reads in the scorecard, e.g. "priority High → 4". */
  detail: string;
  /** Who set an override. */
  by?: string;
}

export interface RiceInputs {
  reach: ScoreInput;
  impact: ScoreInput;
  confidence: ScoreInput;
  effort: ScoreInput;
}

export interface WsjfInputs {
  businessValue: ScoreInput;
  timeCriticality: ScoreInput;
  riskReduction: ScoreInput;
  jobSize: ScoreInput;
}

interface ResultBase {
  /** Rounded to one decimal. */
  score: number;
  /** Distinct tickets, in the order given. */
  evidence: Evidence[];
}
export type RiceResult = ResultBase & { model: 'rice'; inputs: RiceInputs };
export type WsjfResult = ResultBase & { model: 'wsjf'; inputs: WsjfInputs };
export type ScoreResult = RiceResult | WsjfResult;

export interface ScoreRequest {
  item: TrackerItem;
  evidence?: readonly Evidence[];
  overrides?: Overrides;
}
