import type { Static, TSchema } from 'typebox';

type Projection = (value: unknown) => unknown;

const keep: Projection = (value) => value;

interface SchemaShape {
  type?: unknown;
  properties?: Record<string, TSchema>;
  items?: TSchema;
}

/** Compiled once per schema: a walk that copies only what the schema declares. */
function projection(schema: TSchema): Projection {
  const shape = schema as SchemaShape;
  if (shape.type === 'object' && shape.properties) {
    const fields = Object.entries(shape.properties).map(
      ([name, inner]) => [name, projection(inner)] as const,
    );
    return (value) => {
      if (typeof value !== 'object' || value === null) return value;
      const source = value as Record<string, unknown>;
      const copy: Record<string, unknown> = {};
      for (const [name, project] of fields)
        if (source[name] !== undefined) copy[name] = project(source[name]);
      return copy;
    };
  }
  if (shape.type === 'array' && shape.items) {
    const project = projection(shape.items);
    return (value) => (Array.isArray(value) ? value.map(project) : value);
  }
  // Scalars, unions, records and `Unknown` (a Jira comment body) are kept whole.
  return keep;
}

/**
 * What of a validated value the schema declares, and nothing else: a Jira delivery carries the whole issue with
 * every field (often tens of KB), of which the service reads a few hundred bytes. Keeps the schema's own
 * `Static` type, so code reading the projection reads exactly what it could read from the original.
 */
export function compileProjection<S extends TSchema>(schema: S): (value: Static<S>) => Static<S> {
  return projection(schema) as (value: Static<S>) => Static<S>;
}
