import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findingNames, parseJsonl, type RecordKind, recordToItem } from '../src/cli/quality.ts';

/**
 * Precision and recall of the production checker per finding on the human-labelled development set
 * (/work/shared/data/quality-dev). Each defect is scored as a positive class: "missing X" = not labels[X].
 * Held-out = odd record indexes (0-based); rules were tuned looking at even indexes only.
 */
interface Target {
  finding: string;
  kind: RecordKind;
  /** Whether the record has the defect; null = not labelled. */
  truth: (labels: Record<string, unknown>) => boolean | null;
  label: string;
  reference: string;
}

const missing = (key: string) => (labels: Record<string, unknown>) =>
  typeof labels[key] === 'boolean' ? !labels[key] : null;
const violation = (key: string) => (labels: Record<string, unknown>) =>
  typeof labels[key] === 'boolean' ? (labels[key] as boolean) : null;

const TARGETS: Target[] = [
  {
    finding: 'missing-role',
    kind: 'story',
    truth: missing('has_role'),
    label: 'not has_role',
    reference: '',
  },
  {
    finding: 'missing-benefit',
    kind: 'story',
    truth: missing('has_benefit'),
    label: 'not has_benefit',
    reference: '"so that" rule: 99 % agreement',
  },
  {
    finding: 'not-atomic',
    kind: 'story',
    truth: violation('atomic_violation'),
    label: 'atomic_violation',
    reference: 'AQUSA P 0.91 / R 0.70',
  },
  {
    finding: 'not-minimal',
    kind: 'story',
    truth: violation('minimal_violation'),
    label: 'minimal_violation',
    reference: '',
  },
  {
    finding: 'missing-steps-to-reproduce',
    kind: 'bug',
    truth: missing('has_steps_to_reproduce'),
    label: 'not has_steps_to_reproduce',
    reference: 'DEMIBUD P 0.69 / R 0.83; headings only P 0.56 / R 0.98',
  },
  {
    finding: 'missing-expected',
    kind: 'bug',
    truth: missing('has_expected'),
    label: 'not has_expected',
    reference: 'DEMIBUD P 0.86 / R 0.93',
  },
  {
    finding: 'missing-actual',
    kind: 'bug',
    truth: missing('has_actual'),
    label: 'not has_actual',
    reference: '',
  },
];

interface Scored {
  index: number;
  truth: boolean;
  flagged: boolean;
  /** Who labelled the record: bug reports come from two annotation teams with different coding. */
  source: string;
}

interface Checked {
  labels: Record<string, unknown>;
  source: string;
  names: string[];
}

export function defaultDataDir(): string {
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  return process.env.QUALITY_DATA_DIR ?? resolve(repoRoot, '../shared/data/quality-dev');
}

export async function runQualityBench(dataDir = defaultDataDir()): Promise<string> {
  const files: Record<RecordKind, string> = { story: 'stories.jsonl', bug: 'bugs.jsonl' };
  if (!Object.values(files).every((f) => existsSync(join(dataDir, f)))) {
    return `## Acceptance-criteria quality checks\n\nDevelopment set not found in ${dataDir}; skipped.\n`;
  }
  const rows: string[] = [];
  const bySource: string[] = [];
  const cache = new Map<RecordKind, Checked[]>();
  for (const kind of ['story', 'bug'] as const) {
    const path = join(dataDir, files[kind]);
    const records = parseJsonl(readFileSync(path, 'utf8'), path);
    cache.set(
      kind,
      records.map((record, i) => ({
        labels: (record.labels ?? {}) as Record<string, unknown>,
        source: typeof record.labelled_by === 'string' ? record.labelled_by : 'Chaparro et al.',
        names: findingNames(kind, recordToItem(kind, record, `${path}: record ${i + 1}`)),
      })),
    );
  }
  for (const target of TARGETS) {
    const scored: Scored[] = [];
    (cache.get(target.kind) ?? []).forEach((record, index) => {
      const truth = target.truth(record.labels);
      if (truth !== null) {
        scored.push({ index, truth, flagged: record.names.includes(target.finding), source: record.source });
      }
    });
    const all = score(scored);
    const heldOut = score(scored.filter((s) => s.index % 2 === 1));
    rows.push(
      `| \`${target.finding}\` | ${target.label} | ${scored.length} | ${all.positives} | ${all.p} | ${all.r} | ${all.f1} | ${heldOut.p} | ${heldOut.r} | ${target.reference} |`,
    );
    if (target.kind === 'bug') bySource.push(...sourceRows(target, scored));
  }
  return [
    '## Acceptance-criteria quality checks (development set, human labels)',
    '',
    'Positive class = the item has the defect. Held-out = odd record indexes (rules were tuned on even ones).',
    '',
    '| finding | label | n | defects | P | R | F1 | held-out P | held-out R | reference |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    'Bug findings by annotation team (DEMIBUD was measured on the Chaparro et al. coding):',
    '',
    '| finding | labelled by | n | defects | P | R | F1 | held-out P | held-out R |',
    '|---|---|---|---|---|---|---|---|---|',
    ...bySource,
    '',
  ].join('\n');
}

function sourceRows(target: Target, scored: Scored[]): string[] {
  return [...new Set(scored.map((s) => s.source))].sort().map((source) => {
    const mine = scored.filter((s) => s.source === source);
    const all = score(mine);
    const heldOut = score(mine.filter((s) => s.index % 2 === 1));
    return `| \`${target.finding}\` | ${source} | ${mine.length} | ${all.positives} | ${all.p} | ${all.r} | ${all.f1} | ${heldOut.p} | ${heldOut.r} |`;
  });
}

function score(scored: Scored[]): { positives: number; p: string; r: string; f1: string } {
  const tp = scored.filter((s) => s.truth && s.flagged).length;
  const flagged = scored.filter((s) => s.flagged).length;
  const positives = scored.filter((s) => s.truth).length;
  const ratio = (a: number, b: number) => (b === 0 ? `n/a (${flagged} flagged)` : (a / b).toFixed(2));
  return {
    positives,
    p: ratio(tp, flagged),
    r: ratio(tp, positives),
    f1: ratio(2 * tp, flagged + positives),
  };
}

if (import.meta.main) {
  process.stdout.write(await runQualityBench());
}
