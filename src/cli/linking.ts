import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { evaluateDevSet, formatDevReport } from '../domain/linking/dev-report.ts';
import { rankTimeAware } from '../domain/linking/evaluate.ts';
import { createLinkIndex, type LinkDoc } from '../domain/linking/index.ts';
import { DEFAULT_LINKING_RULES } from '../domain/linking/rules.ts';
import { type LinkingTuning, LinkingTuningOverrideSchema } from '../domain/linking/tuning.ts';
import { validate } from '../schema/validate.ts';

const USAGE = `usage:
  npm run linking -- rank --backlog FILE --queries FILE [--top N]
      JSONL in ({"id","title","description","created"?}), one JSON line per query out:
      {"id","ranked":[ids],"scores":[calibrated confidence]}; with "created", a query ranks only older items.
  npm run linking -- eval [--data DIR] [--tuning JSON]
      Time-aware quality on a dev set laid out like shared/data/linking-dev (backlog, queries, meta);
      --tuning overrides ranking parameters to measure an idea, e.g. '{"maxDocumentFrequency":0.3}'.`;

/** A bad argument or input file: reported as one line, exit code 2. */
export class UsageError extends Error {}

export interface DevSet {
  backlog: LinkDoc[];
  queries: (LinkDoc & { relevant: string[] })[];
  /** Items that belong to no duplicate group (meta role "backlog"). */
  unmatchedIds: Set<string>;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export function readJsonl(file: string): Record<string, unknown>[] {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  const rows: Record<string, unknown>[] = [];
  content.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      throw new UsageError(`${file}:${i + 1}: not valid JSON`);
    }
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      throw new UsageError(`${file}:${i + 1}: expected a JSON object`);
    }
    rows.push(row as Record<string, unknown>);
  });
  return rows;
}

/** Reads `{"id","title","description","created"?}` lines; other fields are ignored. */
export function readDocs(file: string): LinkDoc[] {
  return readJsonl(file).map((row, i) => {
    const where = `${file}: record ${i + 1}`;
    if (typeof row.id !== 'string' || row.id === '')
      throw new UsageError(`${where}: "id" must be a non-empty string`);
    const doc: LinkDoc = { id: row.id, title: text(row.title), description: text(row.description) };
    if (row.created !== undefined && row.created !== null) {
      if (typeof row.created !== 'string' || !Number.isFinite(Date.parse(row.created))) {
        throw new UsageError(`${where}: "created" must be an ISO 8601 date-time`);
      }
      doc.created = row.created;
    }
    return doc;
  });
}

/** Loads backlog + queries of a dev set and joins `created` from meta.jsonl. */
export function loadDevSet(dir: string): DevSet {
  const meta = new Map(readJsonl(path.join(dir, 'meta.jsonl')).map((m) => [String(m.id), m]));
  const withCreated = (doc: LinkDoc): LinkDoc => {
    const created = meta.get(doc.id)?.created;
    return typeof created === 'string' ? { ...doc, created } : doc;
  };
  const queryRows = readJsonl(path.join(dir, 'queries.jsonl'));
  const queries = readDocs(path.join(dir, 'queries.jsonl')).map((q, i) => ({
    ...withCreated(q),
    relevant: (queryRows[i]!.relevant as unknown[]).map(String),
  }));
  const unmatchedIds = new Set(
    [...meta.values()].filter((m) => m.role === 'backlog').map((m) => String(m.id)),
  );
  return { backlog: readDocs(path.join(dir, 'backlog.jsonl')).map(withCreated), queries, unmatchedIds };
}

function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`--${name} must be a positive integer, got "${value}"`);
  return n;
}

function rank(args: string[]): string[] {
  const { values } = parseArgs({
    args,
    options: { backlog: { type: 'string' }, queries: { type: 'string' }, top: { type: 'string' } },
  });
  if (values.backlog === undefined) throw new UsageError('rank: --backlog FILE is required');
  if (values.queries === undefined) throw new UsageError('rank: --queries FILE is required');
  const top = positiveInt(values.top, 'top', 10);
  const ranked = rankTimeAware(createLinkIndex(), readDocs(values.backlog), readDocs(values.queries), top);
  return ranked.map((r) =>
    JSON.stringify({
      id: r.id,
      ranked: r.matches.map((m) => m.id),
      scores: r.matches.map((m) => Number(m.confidence.toFixed(6))),
    }),
  );
}

export function defaultDataDir(): string {
  return (
    process.env.LINKING_DATA_DIR ?? path.resolve(import.meta.dirname, '../../../shared/data/linking-dev')
  );
}

function tuningOverride(json: string | undefined): Partial<LinkingTuning> | undefined {
  if (json === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new UsageError('--tuning must be a JSON object, e.g. \'{"k1":1.5}\'');
  }
  const checked = validate(LinkingTuningOverrideSchema, parsed, {
    label: (at) => `--tuning${at.replace('/', ' ')}`,
  });
  if (!checked.ok) throw new UsageError(checked.problems.join('; '));
  return checked.value;
}

function evaluate(args: string[]): string[] {
  const { values } = parseArgs({ args, options: { data: { type: 'string' }, tuning: { type: 'string' } } });
  const dir = values.data ?? defaultDataDir();
  const tuning = tuningOverride(values.tuning);
  const report = formatDevReport(
    evaluateDevSet(loadDevSet(dir), { tuning, threshold: DEFAULT_LINKING_RULES.autoLinkThreshold }),
  );
  return tuning === undefined
    ? [report]
    : [`Ranking parameters changed: ${JSON.stringify(tuning)}`, '', report];
}

export function runCli(argv: string[]): string[] {
  const [command, ...rest] = argv;
  if (command === 'rank') return rank(rest);
  if (command === 'eval') return evaluate(rest);
  throw new UsageError(command === undefined ? 'missing command' : `unknown command "${command}"`);
}

if (import.meta.main) {
  // A closed pipe (`| head`) just means the reader has seen enough.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  try {
    const lines = runCli(process.argv.slice(2));
    if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
  } catch (error) {
    const known = error instanceof UsageError || (error instanceof TypeError && 'code' in error);
    process.stderr.write(`linking: ${error instanceof Error ? error.message : String(error)}\n`);
    if (known) process.stderr.write(`${USAGE}\n`);
    process.exitCode = known ? 2 : 1;
  }
}
