import type { Static, TSchema } from 'typebox';
import { Value } from 'typebox/value';

/** Completes a rules-file section with its schema defaults and validates it; throws naming the bad path. */
export function withDefaults<T extends TSchema>(schema: T, input: unknown): Static<T> {
  const value = Value.Default(schema, Value.Clone(input ?? {}));
  Value.Assert(schema, value);
  return value;
}
