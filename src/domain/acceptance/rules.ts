import Type, { type Static } from 'typebox';
import Value from 'typebox/value';
import { LabelName } from '../label-name.ts';
import { DEFAULT_TEMPLATES, DEFAULT_TYPE_MAP, DEFAULT_VAGUE_WORDS } from './defaults.ts';

/**
 * The acceptance-criteria part of the rules file. Every property has a default, so `{}` is a complete,
 * working configuration; `parseAcceptanceRules` fills the defaults in and validates.
 */
export const SectionSchema = Type.Object({
  /** Finding names derive from it: a missing section yields `missing-<key>`, e.g. `missing-steps-to-reproduce`. */
  key: Type.String({ minLength: 1, pattern: '^[a-z0-9-]+$' }),
  /** Heading written by `/ac template` and shown in messages. */
  heading: Type.String({ minLength: 1 }),
  /** Other names accepted for the heading (matched ignoring case, punctuation and markup). */
  aliases: Type.Array(Type.String(), { default: [] }),
  severity: Type.Union([Type.Literal('error'), Type.Literal('warning')], { default: 'error' }),
  /** Items are testable criteria: checked for emptiness, vague words, incomplete Given/When/Then, duplicates. */
  criteria: Type.Boolean({ default: false }),
  /** Also accept prose that reads like this section (bug reports rarely use headings). */
  content: Type.Union(
    [
      Type.Literal('none'),
      Type.Literal('steps'),
      Type.Literal('expected'),
      Type.Literal('actual'),
      Type.Literal('environment'),
    ],
    { default: 'none' },
  ),
  /** Lines `/ac template` writes under the heading. */
  placeholder: Type.Array(Type.String(), { default: [] }),
});
export type Section = Static<typeof SectionSchema>;

export const TemplateSchema = Type.Object({
  /** Require "As a <role>, I want <goal>, so that <benefit>" and check its quality. */
  storySentence: Type.Boolean({ default: false }),
  sections: Type.Array(SectionSchema, { default: [] }),
});
export type Template = Static<typeof TemplateSchema>;

const settings = {
  /** Label set on items that fail. */
  label: LabelName('needs-acceptance-criteria'),
  /** Statuses (Jira) or lists (Trello) an item may only enter when it passes; empty = no gate. */
  gate: Type.Array(Type.String(), { default: [] }),
  /** Words and phrases that make a criterion untestable. */
  vagueWords: Type.Array(Type.String(), { default: DEFAULT_VAGUE_WORDS }),
  /** Templates by name; the name `none` is reserved for "no requirements". */
  templates: Type.Record(Type.String(), TemplateSchema, { default: DEFAULT_TEMPLATES }),
  /** Item type (case-insensitive) to template name; unlisted types get no template. */
  types: Type.Record(Type.String(), Type.String(), { default: DEFAULT_TYPE_MAP }),
  /** Template for items without a type (Trello cards). */
  untypedTemplate: Type.String({ default: 'story' }),
};

export const OverrideSchema = Type.Object({
  /** Jira project key or Trello board id/key this override applies to. */
  containerKey: Type.String({ minLength: 1 }),
  /** No default here: an override without a label keeps the global one. */
  label: Type.Optional(LabelName()),
  gate: Type.Optional(Type.Array(Type.String())),
  vagueWords: Type.Optional(Type.Array(Type.String())),
  /** Merged over the global templates by name. */
  templates: Type.Optional(Type.Record(Type.String(), TemplateSchema)),
  types: Type.Optional(Type.Record(Type.String(), Type.String())),
  untypedTemplate: Type.Optional(Type.String()),
});
export type Override = Static<typeof OverrideSchema>;

export const AcceptanceRulesSchema = Type.Object({
  ...settings,
  overrides: Type.Array(OverrideSchema, { default: [] }),
});
export type AcceptanceRules = Static<typeof AcceptanceRulesSchema>;

/**
 * Fills in the defaults TypeBox leaves out: inside templates given as record values (a custom template needs
 * only a key and a heading per section), in the top level and in every override. Returns a copy; validation is
 * the caller's (the rules file validates all sections at once).
 */
export function withTemplateDefaults(input: unknown): unknown {
  const copy = structuredClone(input ?? {});
  defaultTemplatesIn(copy);
  if (isRecord(copy)) for (const override of asArray(copy.overrides)) defaultTemplatesIn(override);
  return copy;
}

/** Fills in defaults (also inside templates given as record values) and validates; throws `Error` with a path. */
export function parseAcceptanceRules(input: unknown): AcceptanceRules {
  const withDefaults = Value.Default(AcceptanceRulesSchema, withTemplateDefaults(input)) as Record<
    string,
    unknown
  >;
  const errors = [...Value.Errors(AcceptanceRulesSchema, withDefaults)];
  const first = errors[0];
  if (first) throw new Error(`acceptance rules: ${first.instancePath || '/'} ${first.message}`);
  return withDefaults as AcceptanceRules;
}

function defaultTemplatesIn(holder: unknown): void {
  if (!isRecord(holder) || !isRecord(holder.templates)) return;
  for (const [name, template] of Object.entries(holder.templates)) {
    holder.templates[name] = Value.Default(TemplateSchema, template);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
