import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  checkItem,
  type ItemInput,
  parseAcceptanceRules,
  resolveTemplate,
} from '../domain/acceptance/index.ts';

/**
 * `npm run quality -- check --type story|bug --input FILE`: runs the production checker with the default rules
 * over a JSONL file and prints `{"id","findings":[names]}` per line.
 */
const USAGE = 'usage: npm run quality -- check --type story|bug --input FILE';
const KINDS = ['story', 'bug'] as const;
export type RecordKind = (typeof KINDS)[number];

export class UsageError extends Error {}

/** The item a dataset record describes: stories are `{id, text}`, bugs `{id, title, description}`. */
export function recordToItem(kind: RecordKind, record: Record<string, unknown>, where: string): ItemInput {
  const field = (name: string): string => {
    const value = record[name];
    if (typeof value !== 'string') throw new UsageError(`${where}: field "${name}" must be a string`);
    return value;
  };
  return kind === 'story'
    ? { title: '', description: field('text'), type: 'story' }
    : { title: field('title'), description: field('description'), type: 'bug' };
}

/** Names of the findings the production checker (default rules) reports for an item. */
export function findingNames(kind: RecordKind, item: ItemInput): string[] {
  const template = resolveTemplate(parseAcceptanceRules({}), { type: kind });
  return checkItem(item, template).findings.map((f) => f.name);
}

export function parseJsonl(text: string, file: string): Record<string, unknown>[] {
  return text.split(/\r?\n/).flatMap((line, index) => {
    if (line.trim() === '') return [];
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new UsageError(`${file}:${index + 1}: not valid JSON`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new UsageError(`${file}:${index + 1}: expected a JSON object`);
    }
    const record = value as Record<string, unknown>;
    if (typeof record.id !== 'string' && typeof record.id !== 'number') {
      throw new UsageError(`${file}:${index + 1}: field "id" is missing`);
    }
    return [record];
  });
}

function run(argv: string[]): string[] {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(argv);
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
  const [command, ...extra] = parsed.positionals;
  if (command !== 'check') throw new UsageError(`unknown command "${command ?? ''}"\n${USAGE}`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"\n${USAGE}`);
  const { type, input } = parsed.values;
  if (!KINDS.some((k) => k === type))
    throw new UsageError(`--type must be story or bug, got "${type ?? ''}"\n${USAGE}`);
  if (!input) throw new UsageError(`--input FILE is required\n${USAGE}`);
  const kind = type as RecordKind;
  let text: string;
  try {
    text = readFileSync(input, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --input ${input}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  return parseJsonl(text, input).map((record, index) => {
    const item = recordToItem(kind, record, `${input}: record ${index + 1}`);
    return JSON.stringify({ id: record.id, findings: findingNames(kind, item) });
  });
}

function parseOptions(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { type: { type: 'string' }, input: { type: 'string' } },
  });
}

if (import.meta.main) {
  // `... | head` closes the pipe early; that is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(0);
  });
  try {
    const lines = run(process.argv.slice(2));
    process.stdout.write(lines.map((line) => `${line}\n`).join(''));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`quality: ${error.message}\n`);
    process.exitCode = 2;
  }
}
