import type { Static, TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import Value from 'typebox/value';

export type Validated<T> = { ok: true; value: T } | { ok: false; problems: string[] };

interface ValueError {
  keyword: string;
  instancePath: string;
  message: string;
  params: Record<string, unknown>;
}

/** Patterns whose regular expression would mean nothing to the person editing the file. */
const PATTERN_MEANING: Record<string, string> = { '^\\S+$': 'must be one word, without spaces' };

const readable = (error: ValueError) =>
  error.keyword === 'pattern'
    ? (PATTERN_MEANING[String(error.params.pattern)] ?? error.message)
    : error.message;

/** One readable line per wrong place: `/ROLE must be one of api, worker, all`, not four anyOf branches. */
function describeErrors(errors: ValueError[], label: (path: string) => string): string[] {
  const byPath = new Map<string, ValueError[]>();
  for (const error of errors) {
    // Each unknown property also yields a "schema is false" entry at its own path; the parent's entry names it.
    if (error.keyword === 'boolean') continue;
    const list = byPath.get(error.instancePath) ?? [];
    list.push(error);
    byPath.set(error.instancePath, list);
  }
  const problems: string[] = [];
  for (const [path, list] of byPath) {
    const allowed = list.filter((e) => e.keyword === 'const').map((e) => String(e.params.allowedValue));
    const where = label(path);
    const unknown = list.flatMap((e) =>
      e.keyword === 'additionalProperties' ? [e.params.additionalProperties] : [],
    );
    if (allowed.length > 0) problems.push(`${where} must be one of ${allowed.join(', ')}`);
    else if (unknown.length > 0)
      problems.push(`${where} has unknown setting(s): ${unknown.flat().join(', ')}`);
    else problems.push(...list.filter((e) => e.keyword !== 'anyOf').map((e) => `${where} ${readable(e)}`));
  }
  return problems;
}

export interface ValidateOptions {
  /** Fill in schema defaults and convert strings to numbers/booleans (env variables, query strings). */
  coerce?: boolean;
  /** How a JSON pointer is named in problems (default: the pointer, or "value" at the root). */
  label?: (path: string) => string;
}

export function validate<S extends TSchema>(
  schema: S,
  input: unknown,
  options: ValidateOptions = {},
): Validated<Static<S>> {
  const value = options.coerce ? Value.Convert(schema, Value.Default(schema, Value.Clone(input))) : input;
  if (Value.Check(schema, value)) return { ok: true, value: value as Static<S> };
  const label = options.label ?? ((path: string) => path || 'value');
  return { ok: false, problems: describeErrors([...Value.Errors(schema, value)] as ValueError[], label) };
}

/** A compiled validator for hot paths (webhook envelopes): same answers as `validate`, without coercion. */
export function compileValidator<S extends TSchema>(schema: S, options: Pick<ValidateOptions, 'label'> = {}) {
  const compiled = Compile(schema);
  const label = options.label ?? ((path: string) => path || 'value');
  return (input: unknown): Validated<Static<S>> =>
    compiled.Check(input)
      ? { ok: true, value: input as Static<S> }
      : { ok: false, problems: describeErrors(compiled.Errors(input) as ValueError[], label) };
}
