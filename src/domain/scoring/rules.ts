import Type, { type Static } from 'typebox';
import { withDefaults } from './with-defaults.ts';

const Impact = Type.Integer({ minimum: 1, maximum: 5 });
const ImpactMap = (defaults: Record<string, number>) =>
  Type.Record(Type.String(), Impact, { default: defaults });
const Level = Type.Union([Type.Literal('high'), Type.Literal('medium'), Type.Literal('low')]);

const wsjfSource = (field: string, labels: Record<string, number>) => ({
  field: Type.String({ default: field }),
  labels: Type.Record(Type.String(), Type.Number({ minimum: 0 }), { default: labels }),
});
/** A WSJF component: a number field wins, then the highest matching label, then the default. */
const WsjfComponent = (field: string, labels: Record<string, number>, fallback: number) =>
  Type.Object(
    { ...wsjfSource(field, labels), default: Type.Number({ minimum: 0, default: fallback }) },
    { default: {} },
  );

/**
 * The scoring rules file. Every property has a default, so `{}` is a complete rules file; maps replace
 * their default wholesale so a team can drop a mapping it disagrees with.
 */
export const ScoringRulesSchema = Type.Object({
  model: Type.Union([Type.Literal('rice'), Type.Literal('wsjf')], { default: 'rice' }),
  /** Display names of the Number fields the score is written back to. */
  fields: Type.Object(
    {
      impact: Type.String({ default: 'Impact' }),
      effort: Type.String({ default: 'Effort' }),
      score: Type.String({ default: 'Priority score' }),
      reach: Type.String({ default: 'Reach' }),
      confidence: Type.String({ default: 'Confidence' }),
    },
    { default: {} },
  ),
  priorityImpact: ImpactMap({ Highest: 5, Blocker: 5, Critical: 5, High: 4, Medium: 3, Low: 2, Lowest: 1 }),
  typeImpact: ImpactMap({ Bug: 3, Story: 3, Improvement: 2, Task: 2, 'Sub-task': 1 }),
  labelImpact: ImpactMap({ security: 5, outage: 5, regression: 4, 'customer-request': 4 }),
  /** Matched as whole words in title and description, case-insensitive. */
  keywordImpact: ImpactMap({ 'data loss': 5, outage: 5, crash: 4, 'cannot log in': 4, slow: 2, typo: 1 }),
  severityField: Type.String({ default: 'Severity' }),
  severityImpact: ImpactMap({ Critical: 5, Major: 4, Moderate: 3, Minor: 2, Trivial: 1 }),
  defaultImpact: Type.Integer({ minimum: 1, maximum: 5, default: 3 }),
  /** Read when the adapter found no board estimation field (e.g. a Trello custom field). */
  storyPointField: Type.String({ default: 'Story points' }),
  hoursPerPoint: Type.Number({ exclusiveMinimum: 0, default: 8 }),
  tshirtSizes: Type.Record(Type.String(), Type.Number({ exclusiveMinimum: 0 }), {
    default: { XS: 1, S: 2, M: 3, L: 5, XL: 8 },
  }),
  /** A label names a size as itself ("M") or behind one of these prefixes ("size:M"). */
  tshirtLabelPrefixes: Type.Array(Type.String(), { default: ['', 'size:', 'size-', 'size/'] }),
  /** Effort inferred from text size: the first step both counts fit in; beyond the last step, `largestSize`. */
  inferredSizes: Type.Array(
    Type.Object({
      maxChars: Type.Integer({ minimum: 0 }),
      maxCriteria: Type.Integer({ minimum: 0 }),
      size: Type.String(),
    }),
    {
      default: [
        { maxChars: 200, maxCriteria: 1, size: 'XS' },
        { maxChars: 600, maxCriteria: 3, size: 'S' },
        { maxChars: 1500, maxCriteria: 6, size: 'M' },
        { maxChars: 3000, maxCriteria: 10, size: 'L' },
      ],
    },
  ),
  largestSize: Type.String({ default: 'XL' }),
  /** So items without linked tickets still get a score. */
  defaultReach: Type.Number({ minimum: 0, default: 1 }),
  confidenceLevels: Type.Object(
    {
      high: Type.Number({ minimum: 0, maximum: 1, default: 1 }),
      medium: Type.Number({ minimum: 0, maximum: 1, default: 0.8 }),
      low: Type.Number({ minimum: 0, maximum: 1, default: 0.5 }),
    },
    { default: {} },
  ),
  /** How much each kind of source is trusted; confidence is the level of the least trusted input. */
  sourceConfidence: Type.Object(
    {
      field: Level,
      estimate: Level,
      evidence: Level,
      priority: Level,
      label: Level,
      type: Level,
      keyword: Level,
      inferred: Level,
      default: Level,
    },
    {
      default: {
        field: 'high',
        estimate: 'high',
        evidence: 'high',
        priority: 'high',
        label: 'high',
        type: 'medium',
        keyword: 'low',
        inferred: 'low',
        default: 'low',
      },
    },
  ),
  wsjf: Type.Object(
    {
      /** Falls back to the impact (1–5) when neither field nor label is set. */
      businessValue: Type.Object(wsjfSource('Business value', {}), { default: {} }),
      timeCriticality: WsjfComponent('Time criticality', { deadline: 8, urgent: 8, 'time-critical': 8 }, 1),
      riskReduction: WsjfComponent('Risk reduction', { security: 8, enabler: 5, 'tech-debt': 3 }, 1),
    },
    { default: {} },
  ),
  createMissingTrelloFields: Type.Boolean({ default: false }),
  /** Extra fields (by display name, as people see them) whose change re-scores an item. */
  triggerFields: Type.Array(Type.String({ minLength: 1 }), { default: [] }),
  /** Fields of a support ticket naming its customer; the first one set wins, then the ticket's reporter. */
  customerFields: Type.Array(Type.String({ minLength: 1 }), {
    default: ['Organizations', 'Organization', 'Customer'],
  }),
});
export type ScoringRules = Static<typeof ScoringRulesSchema>;

/** Fills defaults and validates; throws a TypeBox error naming the offending path. */
export function resolveScoringRules(input: unknown = {}): ScoringRules {
  return withDefaults(ScoringRulesSchema, input);
}
