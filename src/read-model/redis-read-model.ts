import type { Queue } from 'bullmq';
import type { AuditEntry } from '../audit/audit-entry.ts';
import { changeKey } from '../audit/audit-entry.ts';
import { type AuditStore, cursorAfter } from '../audit/audit-store.ts';
import { lastChange } from '../audit/undo.ts';
import { type Doc, type Inline, mapInlines } from '../domain/doc.ts';
import type { TrackerName } from '../domain/events.ts';
import { renderScorecard } from '../domain/scoring/render.ts';
import type { ScoreResult } from '../domain/scoring/types.ts';
import { createLinkRecords } from '../linking/link-records.ts';
import type { RedisClient } from '../queue/connection.ts';
import type { Replica } from '../queue/replicated-hashes.ts';
import { type BacklogIndex, rowOf, type Scored } from './backlog-index.ts';
import { commandTargets } from './command-target.ts';
import { readModelKeys } from './keys.ts';
import { readOperations } from './operations.ts';
import type {
  AcceptanceHealth,
  ActivityEntry,
  BacklogQuery,
  BacklogRow,
  BoardView,
  BurnUp,
  BurnUpPoint,
  ContainerId,
  ItemDetail,
  LinkedTicket,
  ReadModel,
  SprintRecord,
  SuggestionState,
  TriageTicket,
  WeekShare,
} from './read-model.ts';
import { TRIAGE_PAGE_SIZE } from './read-model.ts';
import {
  type AcceptanceDetail,
  briefOf,
  containerNameOf,
  docId,
  keyLink,
  type ScorePart,
  safeUrl,
  weekOf,
} from './records.ts';
import type { SprintStart, StoredSuggestion, TicketInfo } from './writer.ts';

export interface RedisReadModelOptions {
  redis: RedisClient;
  keyPrefix: string;
  index: BacklogIndex;
  replica: Replica;
  audit: AuditStore;
  queue: Queue;
  now?: () => Date;
}

/** Pages up to this deep are selected in one pass; deeper ones sort the whole view once and keep it. */
const ONE_PASS_DEPTH = 2_000;
const WEEKS = 12;
/** Weeks looked back for the last share known before the chart's first week. */
const WEEKS_BACK = 52;
const HISTORY = 50;
const SPRINTS_SHOWN = 10;

/** Tracker content is hostile: a link in a rendered doc keeps its href only when it is http(s). */
function safeDoc(document: Doc): Doc {
  const runs = (content: Inline): Inline =>
    content.map(({ href, ...run }) => {
      const url = safeUrl(href);
      return url ? { ...run, href: url } : run;
    });
  return mapInlines(document, runs);
}

function mondaysBack(now: Date, count: number): string[] {
  const current = Date.parse(weekOf(now));
  return Array.from({ length: count }, (_, i) => new Date(current - (count - 1 - i) * 7 * 86_400_000)).map(
    (date) => date.toISOString().slice(0, 10),
  );
}

export function createRedisReadModel(options: RedisReadModelOptions): ReadModel {
  const { redis, index, replica, audit } = options;
  const now = options.now ?? (() => new Date());
  const keys = readModelKeys(options.keyPrefix);
  const records = createLinkRecords(redis, options.keyPrefix);
  const targetOf = commandTargets(redis, keys, index);
  let sorted: { key: string; entries: Scored[] } | undefined;

  /** The whole view in order, kept until the index changes or another view is asked for. */
  function wholeView(query: BacklogQuery): Scored[] {
    const { offset: _offset, limit: _limit, ...view } = query;
    const key = `${replica.generation}|${JSON.stringify(view)}`;
    if (sorted?.key !== key) {
      sorted = { key, entries: index.sorted(query) };
    }
    return sorted.entries;
  }

  /** The item's last change, when the console can undo it (it knows where to comment `/undo`). */
  async function undoableIds(tracker: TrackerName, id: string): Promise<Set<string>> {
    const entries = await audit.list({ item: { tracker, idOrKey: id }, limit: HISTORY });
    const change = lastChange(entries);
    if (change.length === 0 || !(await targetOf({ tracker, id }))) return new Set();
    return new Set(change.map((entry) => entry.id));
  }

  async function activityEntries(entries: AuditEntry[]): Promise<ActivityEntry[]> {
    await replica.sync();
    const undoable = new Map<string, Promise<Set<string>>>();
    return Promise.all(
      entries.map(async (entry) => {
        const item = docId(entry.item);
        let ids = undoable.get(item);
        if (!ids) {
          ids = undoableIds(entry.item.tracker, entry.item.id);
          undoable.set(item, ids);
        }
        return { entry, change: changeKey(entry), undoable: (await ids).has(entry.id) };
      }),
    );
  }

  async function tickets(field: string, result: ScoreResult | undefined, tracker: TrackerName) {
    const [kind, ...rest] = field.split(':');
    const recorded = await records.ticketsOf({ tracker: kind as TrackerName, id: rest.join(':') });
    const linked: LinkedTicket[] = (result?.evidence ?? []).map((evidence) => {
      const record = recorded.find((entry) => entry.ticket.key === evidence.ticketRef);
      const url = safeUrl(evidence.url);
      return {
        tracker: record?.ticket.tracker ?? tracker,
        id: record?.ticket.id ?? evidence.ticketRef,
        key: evidence.ticketRef,
        title: evidence.title ?? evidence.ticketRef,
        ...(url ? { url } : {}),
        ...(evidence.customerId ? { customer: evidence.customerId } : {}),
        how: record?.how ?? 'tracker',
        ...(record?.confidence === undefined ? {} : { confidence: record.confidence }),
      };
    });
    return linked;
  }

  /** A ticket of the inbox from its record (`fields`, the hash); undefined for a ticket never matched. */
  function triageTicketOf(fields: Record<string, string>): TriageTicket | undefined {
    if (!fields.info) return undefined;
    const info = JSON.parse(fields.info) as TicketInfo;
    const suggestions = JSON.parse(fields.suggestions ?? '[]') as StoredSuggestion[];
    return {
      ...briefOf(info),
      container: info.container,
      containerKey: info.containerKey,
      containerName: containerNameOf(info),
      ...(info.customer ? { customer: info.customer } : {}),
      createdAt: info.createdAt,
      suggestions: suggestions.map((suggestion) => ({
        item: briefOf({ ...suggestion.item, url: suggestion.item.url ?? '' }),
        confidence: suggestion.confidence,
        sharedTerms: suggestion.sharedTerms,
        ...(suggestion.via ? { via: keyLink({ key: suggestion.via, url: suggestion.viaUrl }) } : {}),
        state: (fields[`s:${docId(suggestion.item)}`] as SuggestionState | undefined) ?? 'pending',
      })),
    };
  }

  /**
   * The samples taken at the start and by each summary, then now: the start's items in the board's Done column by
   * their last scoring.
   */
  async function activeBurnUp(board: ContainerId): Promise<BurnUp | undefined> {
    const sprintId = await redis.hget(keys.sprints.active, board);
    if (!sprintId) return undefined;
    const fields = await redis.hgetall(keys.sprints.burnUp(board, sprintId));
    if (!fields.meta) return undefined;
    const meta = JSON.parse(fields.meta) as Omit<BurnUp, 'points'>;
    const points: BurnUpPoint[] = Object.entries(fields)
      .flatMap(([field, value]) => {
        if (!field.startsWith('at:')) return [];
        const [scope, done] = value.split(' ').map(Number);
        return [{ at: Number(field.slice(3)), scope: scope ?? 0, done: done ?? 0 }];
      })
      .sort((a, b) => a.at - b.at)
      .map(({ at, ...point }) => ({ at: new Date(at).toISOString(), ...point }));
    const last = points.at(-1);
    if (last) {
      await replica.sync();
      const items = JSON.parse(fields.items ?? '[]') as SprintStart['items'];
      const column = JSON.parse(fields.done ?? '[]') as SprintStart['doneStatuses'];
      // In the board's Done column by the item's last scoring, as the summaries count; else done by category.
      const doneNow = (score: ScorePart | undefined) =>
        column.length > 0 && score?.statusId !== undefined ? column.includes(score.statusId) : score?.done;
      const done = items.reduce((sum, item) => {
        const isDone = doneNow(index.find(item.tracker, item.id)?.score) ?? item.done;
        return sum + (isDone ? (meta.unit === 'points' ? (item.points ?? 0) : 1) : 0);
      }, 0);
      // Items added after the start are counted only by summaries: never show less done than the last one did.
      points.push({ at: now().toISOString(), scope: last.scope, done: Math.max(done, last.done) });
    }
    return { ...meta, points };
  }

  return {
    async containers() {
      await replica.sync();
      return index.containers();
    },

    async backlog(query) {
      await replica.sync();
      const offset = query.offset ?? 0;
      const limit = query.limit ?? 50;
      let page: Scored[];
      let total: number;
      if (offset + limit <= ONE_PASS_DEPTH) {
        const found = index.select(query, offset + limit);
        page = found.top.slice(offset) as Scored[];
        total = found.total;
      } else {
        const view = wholeView(query);
        page = view.slice(offset, offset + limit);
        total = view.length;
      }
      return {
        rows: page.map(rowOf),
        total,
        offset,
        limit,
        ...(offset + limit < total ? { nextOffset: offset + limit } : {}),
      };
    },

    async *backlogRows(query): AsyncIterable<BacklogRow> {
      await replica.sync();
      for (const entry of wholeView(query)) yield rowOf(entry);
    },

    async item({ tracker, idOrKey }) {
      await replica.sync();
      const found = index.find(tracker, idOrKey)?.score;
      if (!found) return undefined;
      const field = docId(found);
      const [scorecard, verdict] = await Promise.all([
        redis.hget(keys.items.scorecards, field),
        redis.hget(keys.items.verdicts, field),
      ]);
      // A job writes the item's row before its scorecard: the row caught up after the scorecard was read is never
      // older than it, so the page does not list a ticket its customer count and score leave out.
      await replica.sync();
      const entry = index.find(tracker, found.id);
      if (!entry?.score) return undefined;
      const result = scorecard ? (JSON.parse(scorecard) as ScoreResult) : undefined;
      const detail = verdict ? (JSON.parse(verdict) as AcceptanceDetail) : undefined;
      const row = rowOf(entry as Scored);
      for (const [name, input] of Object.entries(result?.inputs ?? {})) {
        const view = row.inputs[name as keyof typeof row.inputs];
        if (view) view.detail = input.detail;
      }
      const [linked, history] = await Promise.all([
        tickets(field, result, tracker),
        audit.list({ item: { tracker, idOrKey: entry.score.id }, limit: HISTORY }),
      ]);
      const undoable = new Set(lastChange(history).map((audited) => audited.id));
      const acceptance: ItemDetail['acceptance'] = {
        status: row.acceptance.status,
        findings: (detail?.findings ?? []).map((finding) => ({
          name: finding.name,
          severity: finding.severity,
          message: finding.message,
          fix: finding.fix,
          ...(finding.line === undefined ? {} : { line: finding.line }),
          ...(finding.excerpt === undefined ? {} : { excerpt: finding.excerpt }),
        })),
        ...(detail ? { template: detail.template, checkedAt: detail.at } : {}),
        ...(detail?.skipped ? { skipped: detail.skipped } : {}),
      };
      return {
        row,
        scorecard: result ? safeDoc(renderScorecard(result)) : { blocks: [] },
        acceptance,
        tickets: linked,
        history: history.map((audited) => ({
          entry: audited,
          change: changeKey(audited),
          undoable: undoable.has(audited.id),
        })),
      };
    },

    async triage(query) {
      const offset = query.offset ?? 0;
      const limit = query.limit ?? TRIAGE_PAGE_SIZE;
      const [members, total] = await Promise.all([
        redis.zrevrange(keys.triage.inbox, offset, offset + limit - 1),
        redis.zcard(keys.triage.inbox),
      ]);
      const pipeline = redis.pipeline();
      for (const member of members) pipeline.hgetall(keys.triage.ticket(member));
      const replies = members.length > 0 ? ((await pipeline.exec()) ?? []) : [];
      const found: TriageTicket[] = [];
      for (const [, reply] of replies) {
        const ticket = triageTicketOf(reply as Record<string, string>);
        if (ticket) found.push(ticket);
      }
      return {
        tickets: found,
        total,
        offset,
        limit,
        ...(offset + limit < total ? { nextOffset: offset + limit } : {}),
      };
    },

    triageTicket: async (ticket) => triageTicketOf(await redis.hgetall(keys.triage.ticket(docId(ticket)))),

    triageCount: () => redis.zcard(keys.triage.inbox),

    async acceptanceHealth(container: ContainerId) {
      await replica.sync();
      let view = index.containers().find((known) => known.id === container);
      let checked = 0;
      let failing = 0;
      const groups = new Map<string, AcceptanceHealth['byFinding'][number]>();
      for (const entry of index.all()) {
        const acceptance = entry.acceptance;
        if (acceptance?.container !== container) continue;
        checked += 1;
        view ??= {
          id: container,
          tracker: container.startsWith('trello:') ? 'trello' : 'jira',
          key: acceptance.containerKey,
          name: containerNameOf(acceptance),
          role: 'backlog',
          items: 0,
          failing: 0,
        };
        if (acceptance.status !== 'fails') continue;
        failing += 1;
        const brief = entry.score ? briefOf(entry.score) : undefined;
        for (const name of acceptance.findings) {
          const group = groups.get(name) ?? { finding: name, count: 0, items: [] };
          group.count += 1;
          if (brief) group.items.push(brief);
          groups.set(name, group);
        }
      }
      if (!view) return undefined;
      const weeks = mondaysBack(now(), WEEKS + WEEKS_BACK);
      const stored = await redis.hmget(keys.items.weekly, ...weeks.map((week) => `${container}|${week}`));
      const weekly: WeekShare[] = [];
      let last = { checked: 0, failing: 0 };
      weeks.forEach((week, i) => {
        const value = stored[i];
        if (value) {
          const [c, f] = value.split(' ').map(Number);
          last = { checked: c ?? 0, failing: f ?? 0 };
        }
        if (i >= WEEKS_BACK) {
          weekly.push({
            week,
            ...last,
            share: last.checked > 0 ? last.failing / last.checked : 0,
          });
        }
      });
      return {
        container: view,
        checked,
        failing,
        byFinding: [...groups.values()].sort(
          (a, b) => b.count - a.count || a.finding.localeCompare(b.finding),
        ),
        weekly,
      };
    },

    async boards() {
      const stored = await redis.hvals(keys.sprints.boards);
      return stored.map((json) => JSON.parse(json) as BoardView).sort((a, b) => a.name.localeCompare(b.name));
    },

    async sprints(board) {
      const stored = await redis.hget(keys.sprints.boards, board);
      if (!stored) return undefined;
      const ids = await redis.zrevrange(keys.sprints.order(board), 0, SPRINTS_SHOWN - 1);
      const values = ids.length > 0 ? await redis.hmget(keys.sprints.records(board), ...ids) : [];
      const sprints = values.flatMap((json) => (json ? [JSON.parse(json) as SprintRecord] : [])).reverse();
      const active = await activeBurnUp(board);
      return { board: JSON.parse(stored) as BoardView, sprints, ...(active ? { active } : {}) };
    },

    async activity(query) {
      const limit = query.limit ?? 50;
      const person = query.person?.toLowerCase();
      const item = query.item && query.tracker ? { tracker: query.tracker, idOrKey: query.item } : undefined;
      // Pages follow the audit order (time, then id) through its cursor: ids alone do not follow the time when
      // the writers' clocks differ. An entry gone from the trail took every older one with it.
      const from = query.before ? await audit.get(query.before) : undefined;
      if (query.before && !from) return { entries: [], expired: true };
      let after = from ? cursorAfter(from) : undefined;
      const found: AuditEntry[] = [];
      const batch = 200;
      for (let round = 0; round < 20 && found.length <= limit; round++) {
        const entries = await audit.list({
          ...(item ? { item } : {}),
          ...(query.capability ? { capability: query.capability } : {}),
          ...(after ? { after } : {}),
          limit: batch,
        });
        found.push(
          ...entries.filter((entry) => !person || entry.context.actor.displayName.toLowerCase() === person),
        );
        const oldest = entries.at(-1);
        if (entries.length < batch || !oldest) break;
        after = cursorAfter(oldest);
      }
      const page = found.slice(0, limit);
      return {
        entries: await activityEntries(page),
        ...(found.length > limit && page.length > 0 ? { nextBefore: page.at(-1)!.id } : {}),
      };
    },

    operations: () => readOperations(redis, options.keyPrefix, options.queue, now),
  };
}
