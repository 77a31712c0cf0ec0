import type { TrackerName } from '../domain/events.ts';
import type {
  AcceptanceStatus,
  BacklogQuery,
  BacklogRow,
  BacklogSortKey,
  ContainerId,
  ContainerView,
  ScoreInputView,
} from './read-model.ts';
import type { AcceptancePart, ScorePart } from './records.ts';
import { briefOf } from './records.ts';
import type { ReplicaTarget } from './replicated-hashes.ts';

/** One item as the index holds it: the stored parts plus what sorting and filtering compare. */
export interface Entry {
  score?: ScorePart;
  acceptance?: AcceptancePart;
  titleLower: string;
  /** Project key, then the number zero-padded: APP-9 sorts before APP-10. */
  keySort: string;
  scoredAtMs: number;
}

type Value = number | string | undefined;

const ACCEPTANCE_RANK: Record<AcceptanceStatus, number> = { passes: 0, skipped: 1, unchecked: 2, fails: 3 };

const input = (name: string) => (entry: Entry) =>
  entry.score?.inputs[name as keyof ScorePart['inputs']]?.value;

/** What each column sorts by; undefined (an input the item's model lacks) sorts last either way. */
const SORT_VALUES: Record<BacklogSortKey, (entry: Entry) => Value> = {
  score: (entry) => entry.score?.score,
  key: (entry) => entry.keySort,
  title: (entry) => entry.titleLower,
  type: (entry) => entry.score?.type?.toLowerCase(),
  reach: input('reach'),
  impact: input('impact'),
  confidence: input('confidence'),
  effort: input('effort'),
  customers: (entry) => entry.score?.customers,
  acceptance: (entry) =>
    ACCEPTANCE_RANK[entry.acceptance?.status ?? 'unchecked'] + (entry.acceptance?.findings.length ?? 0) / 100,
  scoredAt: (entry) => entry.scoredAtMs,
};

const DEFAULT_DIRECTION: Record<BacklogSortKey, 'asc' | 'desc'> = {
  score: 'desc',
  key: 'asc',
  title: 'asc',
  type: 'asc',
  reach: 'desc',
  impact: 'desc',
  confidence: 'desc',
  effort: 'asc',
  customers: 'desc',
  acceptance: 'desc',
  scoredAt: 'desc',
};

function keySortOf(key: string): string {
  const match = /^(.*?)(\d+)$/.exec(key);
  return match ? `${match[1]!.toLowerCase()}${match[2]!.padStart(12, '0')}` : key.toLowerCase();
}

export function comparatorFor(query: Pick<BacklogQuery, 'sort' | 'dir'>): (a: Entry, b: Entry) => number {
  const sort = query.sort ?? 'score';
  const value = SORT_VALUES[sort];
  const sign = (query.dir ?? DEFAULT_DIRECTION[sort]) === 'asc' ? 1 : -1;
  return (a, b) => {
    const x = value(a);
    const y = value(b);
    if (x !== y) {
      if (x === undefined) return 1;
      if (y === undefined) return -1;
      return x < y ? -sign : sign;
    }
    // Ties: higher score first, then by key, so every order is total and pages never overlap.
    const scores = (b.score?.score ?? 0) - (a.score?.score ?? 0);
    if (scores !== 0) return scores;
    return a.keySort < b.keySort ? -1 : a.keySort > b.keySort ? 1 : 0;
  };
}

export function filterFor(query: BacklogQuery): (entry: Entry) => boolean {
  const type = query.type?.toLowerCase();
  const text = query.q?.trim().toLowerCase();
  return (entry) => {
    const score = entry.score;
    if (!score) return false;
    if (query.container !== undefined && score.container !== query.container) return false;
    if (type !== undefined && score.type?.toLowerCase() !== type) return false;
    if (query.failing === true && entry.acceptance?.status !== 'fails') return false;
    if (query.failing === false && entry.acceptance?.status === 'fails') return false;
    if (query.customers === true && score.customers === 0) return false;
    if (query.customers === false && score.customers > 0) return false;
    if (text && !entry.titleLower.includes(text)) return false;
    return true;
  };
}

/** The first `count` entries in order, in one pass: the first pages never sort the whole backlog. */
export function topK(
  entries: Iterable<Entry>,
  keep: (entry: Entry) => boolean,
  compare: (a: Entry, b: Entry) => number,
  count: number,
): { top: Entry[]; total: number } {
  const top: Entry[] = [];
  let total = 0;
  for (const entry of entries) {
    if (!keep(entry)) continue;
    total += 1;
    if (top.length === count && compare(entry, top[count - 1]!) >= 0) continue;
    let low = 0;
    let high = top.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compare(top[mid]!, entry) <= 0) low = mid + 1;
      else high = mid;
    }
    top.splice(low, 0, entry);
    if (top.length > count) top.pop();
  }
  return { top, total };
}

export function rowOf(entry: Entry & { score: ScorePart }): BacklogRow {
  const { score, acceptance } = entry;
  const inputs: BacklogRow['inputs'] = {};
  for (const [name, value] of Object.entries(score.inputs)) {
    const view: ScoreInputView = { value: value.value, source: value.source };
    if (value.by !== undefined) view.by = value.by;
    inputs[name as keyof BacklogRow['inputs']] = view;
  }
  return {
    ...briefOf(score),
    container: score.container,
    containerKey: score.containerKey,
    ...(score.type === undefined ? {} : { type: score.type }),
    ...(score.status === undefined ? {} : { status: score.status }),
    score: score.score,
    model: score.model,
    inputs,
    customers: score.customers,
    acceptance: { status: acceptance?.status ?? 'unchecked', findings: acceptance?.findings ?? [] },
    scoredAt: score.at,
  };
}

/**
 * The backlog in memory: every scored item and its acceptance status, filled by a replica of the Redis hashes.
 * About 100k items fit in tens of megabytes; a page is one pass over them.
 */
export class BacklogIndex implements ReplicaTarget {
  readonly entries = new Map<string, Entry>();
  /** `tracker:key` → field, so items are found by what people type. */
  private readonly byKey = new Map<string, string>();

  reset(): void {
    this.entries.clear();
    this.byKey.clear();
  }

  apply(part: string, field: string, value: string | undefined): void {
    const entry = this.entries.get(field) ?? { titleLower: '', keySort: '', scoredAtMs: 0 };
    if (part === 'score') {
      const previous = entry.score;
      if (previous) this.byKey.delete(`${previous.tracker}:${previous.key}`);
      entry.score = value === undefined ? undefined : (JSON.parse(value) as ScorePart);
      if (entry.score) {
        entry.titleLower = entry.score.title.toLowerCase();
        entry.keySort = keySortOf(entry.score.key);
        entry.scoredAtMs = Date.parse(entry.score.at) || 0;
        this.byKey.set(`${entry.score.tracker}:${entry.score.key}`, field);
      }
    } else if (part === 'acceptance') {
      entry.acceptance = value === undefined ? undefined : (JSON.parse(value) as AcceptancePart);
    }
    if (entry.score || entry.acceptance) this.entries.set(field, entry);
    else this.entries.delete(field);
  }

  find(tracker: TrackerName, idOrKey: string): Entry | undefined {
    return (
      this.entries.get(`${tracker}:${idOrKey}`) ??
      this.entries.get(this.byKey.get(`${tracker}:${idOrKey}`) ?? '')
    );
  }

  containers(): ContainerView[] {
    const found = new Map<ContainerId, ContainerView>();
    for (const { score } of this.entries.values()) {
      if (!score) continue;
      const known = found.get(score.container);
      if (known) known.items += 1;
      else
        found.set(score.container, {
          id: score.container,
          tracker: score.tracker,
          key: score.containerKey,
          role: 'backlog',
          items: 1,
        });
    }
    return [...found.values()].sort((a, b) => a.key.localeCompare(b.key));
  }
}
