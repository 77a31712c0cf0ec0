import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { withTemplateDefaults } from '../domain/acceptance/rules.ts';
import { validate } from '../schema/validate.ts';
import { type Rules, RulesSchema } from './rules-schema.ts';

export type RulesResult = { ok: true; rules: Rules } | { ok: false; problems: string[] };

/** Validates a parsed rules document; every problem is listed, not only the first. */
export function parseRules(document: unknown): RulesResult {
  const result = validate(RulesSchema, prepare(document ?? {}), {
    coerce: true,
    label: (path) => path || 'rules',
  });
  return result.ok ? { ok: true, rules: result.value } : { ok: false, problems: result.problems };
}

/** Section defaults that schema defaults cannot express (values of records, such as custom templates). */
function prepare(document: unknown): unknown {
  if (typeof document !== 'object' || document === null || !('acceptance' in document)) return document;
  return { ...document, acceptance: withTemplateDefaults(document.acceptance) };
}

export function defaultRules(): Rules {
  const result = parseRules({});
  if (!result.ok) throw new Error(`Default rules are invalid: ${result.problems.join('; ')}`);
  return result.rules;
}

/** A missing file in words, with the full path: a relative REFINERY_CONFIG is read from where the process runs. */
function whyUnreadable(code: string | undefined, path: string): string {
  return code === 'ENOENT' ? `there is no such file (looked for ${resolve(path)})` : (code ?? 'error');
}

/** Reads a rules file (JSON, or YAML by extension); a missing path means the defaults. */
export async function loadRulesFile(path: string | undefined): Promise<RulesResult> {
  if (!path) return { ok: true, rules: defaultRules() };
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return {
      ok: false,
      problems: [`cannot read ${path}: ${whyUnreadable((error as NodeJS.ErrnoException).code, path)}`],
    };
  }
  try {
    const ext = extname(path).toLowerCase();
    return parseRules(ext === '.yaml' || ext === '.yml' ? parseYaml(text) : JSON.parse(text));
  } catch (error) {
    return {
      ok: false,
      problems: [`${path} is not valid ${extname(path).slice(1) || 'JSON'}: ${(error as Error).message}`],
    };
  }
}
