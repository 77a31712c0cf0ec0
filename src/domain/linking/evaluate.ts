import { type LinkDoc, type LinkIndex, type Match, toEpochMs } from './link-index.ts';

export interface LinkQuery extends LinkDoc {}

export interface RankedQuery {
  id: string;
  matches: Match[];
}

function byCreated<T extends LinkDoc>(docs: readonly T[], unknown: number): { doc: T; at: number }[] {
  return docs.map((doc) => ({ doc, at: toEpochMs(doc.created) ?? unknown })).sort((a, b) => a.at - b.at);
}

/**
 * Which item, if any, a ticket ends up linked to once its matches are known (the auto-link, or the suggestion
 * a person confirms): its words then count for that item when later tickets are ranked.
 */
export type LinkOutcome<Q extends LinkQuery> = (query: Q, matches: readonly Match[]) => string | undefined;

/**
 * Replays production order: backlog items enter the index in creation order and each query is answered
 * when it "arrives", so it sees only older items and document statistics of that moment. Queries
 * without `created` are answered after everything is indexed. Results come back in input order.
 * With `linkOutcome`, each ticket's words join the item it was linked to, as the service does.
 */
export function rankTimeAware<Q extends LinkQuery>(
  index: LinkIndex,
  backlog: readonly LinkDoc[],
  queries: readonly Q[],
  limit: number,
  linkOutcome?: LinkOutcome<Q>,
): RankedQuery[] {
  const items = byCreated(backlog, Number.NEGATIVE_INFINITY);
  const arrivals = byCreated(queries, Number.POSITIVE_INFINITY);
  const results = new Map<Q, Match[]>();
  let next = 0;
  for (const { doc: query, at } of arrivals) {
    while (next < items.length && items[next]!.at < at) index.upsert(items[next++]!.doc);
    const createdBefore = Number.isFinite(at) ? at : undefined;
    const matches = index.query(query, { createdBefore, limit, excludeId: query.id });
    results.set(query, matches);
    const itemId = linkOutcome?.(query, matches);
    if (itemId !== undefined) index.upsertLinked({ ...query, itemId });
  }
  while (next < items.length) index.upsert(items[next++]!.doc);
  return queries.map((q) => ({ id: q.id, matches: results.get(q) ?? [] }));
}

export interface RankingMetrics {
  queries: number;
  recallAt1: number;
  recallAt5: number;
  recallAt10: number;
  mrr: number;
}

/** Recall@k = share of queries with a relevant item in the top k; MRR over the ranked lists given. */
export function rankingMetrics(
  ranked: readonly { ranked: readonly string[]; relevant: readonly string[] }[],
): RankingMetrics {
  let r1 = 0;
  let r5 = 0;
  let r10 = 0;
  let rr = 0;
  for (const { ranked: ids, relevant } of ranked) {
    const rank = ids.findIndex((id) => relevant.includes(id));
    if (rank < 0) continue;
    if (rank < 1) r1++;
    if (rank < 5) r5++;
    if (rank < 10) r10++;
    rr += 1 / (rank + 1);
  }
  const n = Math.max(1, ranked.length);
  return { queries: ranked.length, recallAt1: r1 / n, recallAt5: r5 / n, recallAt10: r10 / n, mrr: rr / n };
}
