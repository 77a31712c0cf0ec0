import Type, { type Static, type TSchema } from 'typebox';
import { AcceptanceRulesSchema } from '../domain/acceptance/rules.ts';
import { LinkingRulesSchema } from '../domain/linking/rules.ts';
import { ScoringRulesSchema } from '../domain/scoring/rules.ts';
import { SummaryRulesSchema } from '../domain/sprint-summary/rules.ts';
import { ScopeRulesSchema } from './scope-rules.ts';

/** A capability's section: absent from the file means all its defaults. */
function section<S extends TSchema>(schema: S): S {
  // Copied with descriptors: TypeBox keeps the schema kind in a non-enumerable property a spread would drop.
  const copy = Object.defineProperties({}, Object.getOwnPropertyDescriptors(schema)) as S & {
    default?: unknown;
  };
  copy.default = {};
  return copy;
}

/**
 * Makes every object of the rules schema refuse settings it does not know, in place: a typo such as
 * `ignoreProjects` must fail the file with its name, not be dropped while the rule it meant stays off.
 * Maps (`patternProperties`, e.g. `types: { Story: story }`) keep accepting any key.
 */
function refuseUnknownSettings<S extends TSchema>(schema: S): S {
  const node = schema as TSchema & {
    properties?: Record<string, TSchema>;
    patternProperties?: Record<string, TSchema>;
    items?: TSchema | TSchema[];
    anyOf?: TSchema[];
    allOf?: TSchema[];
    oneOf?: TSchema[];
    additionalProperties?: unknown;
  };
  if (node.properties && node.additionalProperties === undefined) node.additionalProperties = false;
  const children = [
    ...Object.values(node.properties ?? {}),
    ...Object.values(node.patternProperties ?? {}),
    ...(Array.isArray(node.items) ? node.items : node.items ? [node.items] : []),
    ...(node.anyOf ?? []),
    ...(node.allOf ?? []),
    ...(node.oneOf ?? []),
  ];
  for (const child of children) refuseUnknownSettings(child);
  return schema;
}

/** The rules file: every section optional, every setting defaulted, so no file at all is a working setup. */
export const RulesSchema = refuseUnknownSettings(
  Type.Object(
    {
      scope: ScopeRulesSchema,
      scoring: section(ScoringRulesSchema),
      acceptance: section(AcceptanceRulesSchema),
      linking: section(LinkingRulesSchema),
      summaries: section(SummaryRulesSchema),
      commands: Type.Object(
        {
          /** Account ids / member ids allowed to run commands; empty = everyone who can comment. */
          allowedActors: Type.Array(Type.String(), { default: [] }),
          /**
           * App accounts (Jira account ids of Automation for Jira, a Connect or Forge app) whose commands run, with
           * the app's own rights. Other apps' commands do not: their comments often carry text a customer wrote.
           */
          allowedApps: Type.Array(Type.String({ minLength: 1 }), { default: [] }),
          maxPerComment: Type.Integer({ minimum: 1, maximum: 50, default: 10 }),
          /**
           * What starts a command at a line start. Jira's editor opens its quick-insert menu on "/", so a site
           * may add e.g. "!"; a mention of the service account ("@Refinery score") always works too.
           */
          prefixes: Type.Array(Type.String({ minLength: 1, maxLength: 8, pattern: '^\\S+$' }), {
            default: ['/'],
            maxItems: 5,
          }),
          /**
           * Whether a command may name an item of the other tracker (`/link` from Trello to Jira). The
           * commenter has no known account there, so their rights cannot be checked: only for sites where
           * everyone who can comment may see both trackers.
           */
          crossTracker: Type.Boolean({ default: false }),
        },
        { default: {} },
      ),
    },
    { default: {}, additionalProperties: false },
  ),
);
export type Rules = Static<typeof RulesSchema>;
