import type { TrackerName } from '../domain/events.ts';
import type { ReplicaTarget } from '../queue/replicated-hashes.ts';
import type {
  AcceptanceStatus,
  BacklogQuery,
  BacklogRow,
  BacklogSortKey,
  ContainerId,
  ContainerView,
  ScoreInputView,
} from './read-model.ts';
import { BACKLOG_DEFAULT_DIRECTION } from './read-model.ts';
import type { AcceptancePart, ScorePart } from './records.ts';
import { briefOf, containerNameOf } from './records.ts';

/** One item as the index holds it: the stored parts. */
export interface Entry {
  score?: ScorePart;
  acceptance?: AcceptancePart;
}
export type Scored = Entry & { score: ScorePart };

type NumericKey = Exclude<BacklogSortKey, 'key' | 'title' | 'type'>;
const NUMERIC_KEYS: readonly NumericKey[] = [
  'score',
  'reach',
  'impact',
  'confidence',
  'effort',
  'customers',
  'acceptance',
  'scoredAt',
];

const STATUS_CODE: Record<AcceptanceStatus, number> = { unchecked: 0, passes: 1, skipped: 2, fails: 3 };
/** Sort rank of the acceptance column: failing first when descending. */
const ACCEPTANCE_RANK: Record<AcceptanceStatus, number> = { passes: 0, skipped: 1, unchecked: 2, fails: 3 };

function keySortOf(key: string): string {
  const match = /^(.*?)(\d+)$/.exec(key);
  return match ? `${match[1]!.toLowerCase()}${match[2]!.padStart(12, '0')}` : key.toLowerCase();
}

function numericValues(entry: Entry): Record<NumericKey, number> {
  const { score, acceptance } = entry;
  const input = (name: string) => score?.inputs[name as keyof ScorePart['inputs']]?.value ?? Number.NaN;
  return {
    score: score?.score ?? Number.NaN,
    reach: input('reach'),
    impact: input('impact'),
    confidence: input('confidence'),
    effort: input('effort'),
    customers: score?.customers ?? Number.NaN,
    acceptance: ACCEPTANCE_RANK[acceptance?.status ?? 'unchecked'] + (acceptance?.findings.length ?? 0) / 100,
    scoredAt: score ? Date.parse(score.at) || 0 : Number.NaN,
  };
}

export function rowOf(entry: Scored): BacklogRow {
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
    containerName: containerNameOf(score),
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
 * The backlog in memory, filled by a replica of the Redis hashes. What sorting and filtering compare lives in
 * columns (typed arrays by slot), so a page is one tight pass over 100k slots keeping the best `offset + limit`,
 * never a sort of the whole backlog; the parts themselves are parsed JSON, used only to build the rows shown.
 */
export class BacklogIndex implements ReplicaTarget {
  private readonly slots = new Map<string, number>();
  /** `tracker:key` → field, so items are found by what people type. */
  private readonly byKey = new Map<string, string>();
  private readonly free: number[] = [];
  private entries: (Entry | undefined)[] = [];
  private capacity = 0;
  /** Slots below this have been used; scans run over them (removed ones have no container). */
  private highWater = 0;
  private numeric = {} as Record<NumericKey, Float64Array>;
  private keySort: string[] = [];
  private titleLower: string[] = [];
  private typeLower: (string | undefined)[] = [];
  /** Index into `containerIds`; -1 when the item has no score part. */
  private container = new Int32Array(0);
  private status = new Uint8Array(0);
  private readonly containerIds: ContainerId[] = [];
  private readonly containerCodes = new Map<ContainerId, number>();

  constructor() {
    this.grow(1_024);
  }

  get size(): number {
    return this.slots.size;
  }

  private grow(capacity: number): void {
    const copy = <T extends Float64Array | Int32Array | Uint8Array>(old: T, fresh: T): T => {
      fresh.set(old);
      return fresh;
    };
    for (const key of NUMERIC_KEYS) {
      this.numeric[key] = copy(this.numeric[key] ?? new Float64Array(0), new Float64Array(capacity));
    }
    this.container = copy(this.container, new Int32Array(capacity));
    this.status = copy(this.status, new Uint8Array(capacity));
    this.capacity = capacity;
  }

  reset(): void {
    this.slots.clear();
    this.byKey.clear();
    this.free.length = 0;
    this.highWater = 0;
    this.entries = [];
    this.keySort = [];
    this.titleLower = [];
    this.typeLower = [];
  }

  private codeOf(container: ContainerId): number {
    let code = this.containerCodes.get(container);
    if (code === undefined) {
      code = this.containerIds.push(container) - 1;
      this.containerCodes.set(container, code);
    }
    return code;
  }

  apply(part: string, field: string, value: string | undefined): void {
    let slot = this.slots.get(field);
    const entry: Entry = slot === undefined ? {} : this.entries[slot]!;
    if (part === 'score') {
      if (entry.score) this.byKey.delete(`${entry.score.tracker}:${entry.score.key}`);
      entry.score = value === undefined ? undefined : (JSON.parse(value) as ScorePart);
      if (entry.score) this.byKey.set(`${entry.score.tracker}:${entry.score.key}`, field);
    } else if (part === 'acceptance') {
      entry.acceptance = value === undefined ? undefined : (JSON.parse(value) as AcceptancePart);
    } else return;
    if (!entry.score && !entry.acceptance) {
      if (slot !== undefined) {
        this.slots.delete(field);
        this.entries[slot] = undefined;
        this.container[slot] = -1;
        this.free.push(slot);
      }
      return;
    }
    if (slot === undefined) {
      slot = this.free.pop() ?? this.slots.size;
      if (slot >= this.capacity) this.grow(this.capacity * 2);
      this.highWater = Math.max(this.highWater, slot + 1);
      this.slots.set(field, slot);
      this.entries[slot] = entry;
    }
    const values = numericValues(entry);
    for (const key of NUMERIC_KEYS) this.numeric[key][slot] = values[key];
    const score = entry.score;
    this.keySort[slot] = score ? keySortOf(score.key) : '';
    this.titleLower[slot] = score ? score.title.toLowerCase() : '';
    this.typeLower[slot] = score?.type?.toLowerCase();
    this.container[slot] = score ? this.codeOf(score.container) : -1;
    this.status[slot] = STATUS_CODE[entry.acceptance?.status ?? 'unchecked'];
  }

  find(tracker: TrackerName, idOrKey: string): Entry | undefined {
    const field = this.slots.has(`${tracker}:${idOrKey}`)
      ? `${tracker}:${idOrKey}`
      : this.byKey.get(`${tracker}:${idOrKey}`);
    const slot = field === undefined ? undefined : this.slots.get(field);
    return slot === undefined ? undefined : this.entries[slot];
  }

  *all(): Iterable<Entry> {
    for (const slot of this.slots.values()) yield this.entries[slot]!;
  }

  containers(): ContainerView[] {
    const found = new Map<ContainerId, ContainerView>();
    for (const { score, acceptance } of this.all()) {
      if (!score) continue;
      let view = found.get(score.container);
      if (!view) {
        view = {
          id: score.container,
          tracker: score.tracker,
          key: score.containerKey,
          name: containerNameOf(score),
          role: 'backlog',
          items: 0,
          failing: 0,
        };
        found.set(score.container, view);
      }
      view.items += 1;
      if (acceptance?.status === 'fails') view.failing += 1;
    }
    return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Whether a slot is in the view; undefined when the view is certainly empty. */
  private filterFor(query: BacklogQuery): ((slot: number) => boolean) | undefined {
    const wantedContainer = query.container === undefined ? -2 : this.containerCodes.get(query.container);
    if (wantedContainer === undefined) return undefined;
    const type = query.type?.toLowerCase();
    const text = query.q?.trim().toLowerCase() || undefined;
    const { container, status, typeLower, titleLower } = this;
    const customers = this.numeric.customers;
    const fails = STATUS_CODE.fails;
    return (slot) => {
      const code = container[slot]!;
      if (code < 0 || (wantedContainer !== -2 && code !== wantedContainer)) return false;
      if (type !== undefined && typeLower[slot] !== type) return false;
      if (query.failing !== undefined && (status[slot] === fails) !== query.failing) return false;
      if (query.customers !== undefined && customers[slot]! > 0 !== query.customers) return false;
      return text === undefined || titleLower[slot]!.includes(text);
    };
  }

  /** Sort order over slots; values an item lacks (a WSJF item has no reach) sort last either way. */
  private comparatorFor(query: Pick<BacklogQuery, 'sort' | 'dir'>): (a: number, b: number) => number {
    const sort = query.sort ?? 'score';
    const sign = (query.dir ?? BACKLOG_DEFAULT_DIRECTION[sort]) === 'asc' ? 1 : -1;
    const score = this.numeric.score;
    const keys = this.keySort;
    // Ties: higher score first, then by key, so every order is total and pages never overlap.
    const tie = (a: number, b: number) => {
      const d = score[b]! - score[a]!;
      if (d !== 0) return d;
      return keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0;
    };
    if (sort === 'key' || sort === 'title' || sort === 'type') {
      const column = sort === 'key' ? this.keySort : sort === 'title' ? this.titleLower : this.typeLower;
      return (a, b) => {
        const x = column[a];
        const y = column[b];
        if (x === y) return tie(a, b);
        if (x === undefined) return 1;
        if (y === undefined) return -1;
        return x < y ? -sign : sign;
      };
    }
    const column = this.numeric[sort];
    return (a, b) => {
      const x = column[a]!;
      const y = column[b]!;
      if (x === y) return tie(a, b);
      if (Number.isNaN(x)) return Number.isNaN(y) ? tie(a, b) : 1;
      if (Number.isNaN(y)) return -1;
      return x < y ? -sign : sign;
    };
  }

  /** The first `count` items of the view in order, in one pass, and how many the view holds. */
  select(query: BacklogQuery, count: number): { top: Scored[]; total: number } {
    const keep = this.filterFor(query);
    if (!keep) return { top: [], total: 0 };
    const compare = this.comparatorFor(query);
    const top: number[] = [];
    let total = 0;
    for (let slot = 0; slot < this.highWater; slot++) {
      if (!keep(slot)) continue;
      total += 1;
      if (top.length === count && compare(slot, top[count - 1]!) >= 0) continue;
      let low = 0;
      let high = top.length;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if (compare(top[mid]!, slot) <= 0) low = mid + 1;
        else high = mid;
      }
      top.splice(low, 0, slot);
      if (top.length > count) top.pop();
    }
    return { top: top.map((slot) => this.entries[slot] as Scored), total };
  }

  /** The whole view in order (deep pages, CSV export). */
  sorted(query: BacklogQuery): Scored[] {
    const keep = this.filterFor(query);
    if (!keep) return [];
    const slots: number[] = [];
    for (let slot = 0; slot < this.highWater; slot++) if (keep(slot)) slots.push(slot);
    slots.sort(this.comparatorFor(query));
    return slots.map((slot) => this.entries[slot] as Scored);
  }
}
