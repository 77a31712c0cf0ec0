import type { FastifySchemaCompiler } from 'fastify';
import type { TSchema } from 'typebox';
import { validate } from '../../schema/validate.ts';

/**
 * Validates admin input with TypeBox, as the rest of the service does: defaults filled in, query strings
 * converted, and unknown properties refused rather than silently dropped (Fastify's Ajv default), so a typo
 * such as `dryrun` is a 400 instead of a real run. Problems read like the config's: `body/item must be ...`.
 */
export const adminValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const part = httpPart ?? 'input';
  return (input: unknown) => {
    // A POST without a body is an empty object: its optional settings take their defaults.
    const given = part === 'body' && input == null ? {} : input;
    const result = validate(schema, given, { coerce: true, label: (path) => `${part}${path}` });
    if (result.ok) return { value: result.value };
    return { error: new Error(result.problems.join('; ')) };
  };
};
