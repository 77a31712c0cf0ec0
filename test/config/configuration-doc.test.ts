import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EnvSchema } from '../../src/config.ts';

/** The variable table of docs/configuration.md: each name (a row may name several) with its documented default. */
function documentedDefaults(): Map<string, string | undefined> {
  const doc = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
  const documented = new Map<string, string | undefined>();
  for (const [, names = '', defaults = ''] of doc.matchAll(
    /^\| (`[A-Z_]+`(?:, `[A-Z_]+`)*) \| ([^|]*) \|/gm,
  )) {
    const variables = [...names.matchAll(/`([A-Z_]+)`/g)].map((match) => match[1] ?? '');
    const cells = defaults.trim().split(/,\s*/);
    variables.forEach((variable, index) => {
      const cell = cells.length === variables.length ? cells[index] : cells[0];
      documented.set(variable, /^`(.*)`$/.exec(cell ?? '')?.[1]);
    });
  }
  return documented;
}

describe('docs/configuration.md', () => {
  const documented = documentedDefaults();
  const schema = EnvSchema.properties as Record<string, { default?: unknown }>;

  it('documents every variable the service reads, and only those', () => {
    expect([...documented.keys()].sort()).toEqual(Object.keys(schema).sort());
  });

  it('gives each variable the default the service applies (none where it has none)', () => {
    const applied = Object.entries(schema).map(([name, property]) => [
      name,
      property.default === undefined ? undefined : String(property.default),
    ]);

    expect(applied.map(([name]) => [name, documented.get(name ?? '')])).toEqual(applied);
  });
});
