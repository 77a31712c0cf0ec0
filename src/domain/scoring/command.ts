import type { OverrideName } from './types.ts';

export type ScoreCommand =
  | { kind: 'recompute' }
  | { kind: 'explain' }
  /** `inputs` empty: clear every override. */
  | { kind: 'clear'; inputs: OverrideName[] }
  | { kind: 'set'; values: Partial<Record<OverrideName, number>> }
  | { kind: 'invalid'; problems: string[] };

interface InputSpec {
  name: OverrideName;
  allowed: string;
  parse(raw: string): number | undefined;
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)$/;

function num(raw: string): number | undefined {
  return NUMBER.test(raw) ? Number(raw) : undefined;
}

function within(min: number, max: number, integer: boolean) {
  return (raw: string) => {
    const value = num(raw);
    if (value === undefined || value < min || value > max) return undefined;
    return integer && !Number.isInteger(value) ? undefined : value;
  };
}

function parseConfidence(raw: string): number | undefined {
  if (raw.endsWith('%')) {
    const percent = within(0, 100, false)(raw.slice(0, -1));
    return percent === undefined ? undefined : percent / 100;
  }
  return within(0, 1, false)(raw);
}

function positive(raw: string): number | undefined {
  const value = num(raw);
  return value !== undefined && value > 0 ? value : undefined;
}

const nonNegative = within(0, Number.POSITIVE_INFINITY, false);

const SPECS: readonly InputSpec[] = [
  { name: 'reach', allowed: 'a whole number of 0 or more', parse: within(0, Number.POSITIVE_INFINITY, true) },
  { name: 'impact', allowed: 'a whole number from 1 to 5', parse: within(1, 5, true) },
  {
    name: 'confidence',
    allowed: 'a fraction from 0 to 1 or a percentage (0.5 or 50%)',
    parse: parseConfidence,
  },
  { name: 'effort', allowed: 'a number greater than 0', parse: positive },
  { name: 'businessValue', allowed: 'a number of 0 or more', parse: nonNegative },
  { name: 'timeCriticality', allowed: 'a number of 0 or more', parse: nonNegative },
  { name: 'riskReduction', allowed: 'a number of 0 or more', parse: nonNegative },
];
const NAMES = SPECS.map((spec) => spec.name).join(', ');

/** "Business-Value", "business_value" and "businessvalue" all name businessValue. */
function specFor(name: string): InputSpec | undefined {
  const wanted = name.replace(/[-_]/g, '').toLowerCase();
  return SPECS.find((spec) => spec.name.toLowerCase() === wanted);
}

function parseClear(names: string[]): ScoreCommand {
  const problems = names
    .filter((name) => !specFor(name))
    .map((name) => `unknown input "${name}": use ${NAMES}`);
  if (problems.length > 0) return { kind: 'invalid', problems };
  return { kind: 'clear', inputs: [...new Set(names.map((name) => specFor(name)!.name))] };
}

function parseAssignments(tokens: string[]): ScoreCommand {
  const problems: string[] = [];
  const values: Partial<Record<OverrideName, number>> = {};
  for (const token of tokens) {
    const [name = '', raw, ...rest] = token.split('=');
    const spec = specFor(name);
    if (raw === undefined || rest.length > 0) {
      problems.push(`"${token}" is not name=value, e.g. impact=4 effort=3; or use explain, clear`);
    } else if (!spec) {
      problems.push(`unknown input "${name}": use ${NAMES}`);
    } else if (spec.name in values) {
      problems.push(`${spec.name} is given twice`);
    } else {
      const value = spec.parse(raw);
      if (value === undefined)
        problems.push(`${spec.name}="${raw}" is not allowed: ${spec.name} must be ${spec.allowed}`);
      else values[spec.name] = value;
    }
  }
  return problems.length > 0 ? { kind: 'invalid', problems } : { kind: 'set', values };
}

/** Parses what follows `/score`: nothing, `explain`, `clear [inputs…]`, or `name=value` pairs. */
export function parseScoreCommand(args: string): ScoreCommand {
  const tokens = args
    .replace(/\s*=\s*/g, '=')
    .split(/[\s,]+/)
    .filter((token) => token !== '');
  const [first, ...rest] = tokens;
  if (first === undefined) return { kind: 'recompute' };
  const keyword = first.toLowerCase();
  if (keyword === 'explain') {
    return rest.length === 0
      ? { kind: 'explain' }
      : { kind: 'invalid', problems: ['explain takes no arguments'] };
  }
  if (keyword === 'clear') return parseClear(rest);
  return parseAssignments(tokens);
}
