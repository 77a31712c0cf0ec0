import Type, { type Static } from 'typebox';
import { ScopeRulesSchema } from './scope-rules.ts';

/** The rules file: every section optional, every setting defaulted, so no file at all is a working setup. */
export const RulesSchema = Type.Object(
  {
    scope: ScopeRulesSchema,
    commands: Type.Object(
      {
        /** Account ids / member ids allowed to run commands; empty = everyone who can comment. */
        allowedActors: Type.Array(Type.String(), { default: [] }),
        maxPerComment: Type.Integer({ minimum: 1, maximum: 50, default: 10 }),
      },
      { default: {} },
    ),
  },
  { default: {}, additionalProperties: false },
);
export type Rules = Static<typeof RulesSchema>;
