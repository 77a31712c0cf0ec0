import type { LinkDoc } from './link-index.ts';

const WORD = /[\p{L}\p{N}]+/gu;

function words(doc: { title: string; description: string }): string[] {
  return `${doc.title} ${doc.description}`.toLowerCase().match(WORD) ?? [];
}

/**
 * Textbook Okapi BM25 (k1 1.2, b 0.75) over title + description with a plain word tokenizer: the
 * baseline the dev set's reference figures describe, kept to report improvement ratios in the same run.
 * Statistics cover the whole backlog; each query ranks only items created before it.
 */
export function rankReferenceBm25(
  backlog: readonly LinkDoc[],
  queries: readonly LinkDoc[],
  limit: number,
): { id: string; ranked: string[] }[] {
  const postings = new Map<string, number[]>();
  const lengths: number[] = [];
  const created = backlog.map((d) => (d.created === undefined ? -Infinity : Date.parse(String(d.created))));
  backlog.forEach((doc, slot) => {
    const tokens = words(doc);
    lengths.push(tokens.length);
    const tf = new Map<string, number>();
    for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
    for (const [t, n] of tf) {
      const list = postings.get(t) ?? [];
      if (list.length === 0) postings.set(t, list);
      list.push(slot, n);
    }
  });
  const avg = lengths.reduce((a, b) => a + b, 0) / Math.max(1, lengths.length);
  const acc = new Float64Array(backlog.length);
  return queries.map((query) => {
    acc.fill(0);
    const before = query.created === undefined ? Infinity : Date.parse(String(query.created));
    const qtf = new Map<string, number>();
    for (const t of words(query)) qtf.set(t, (qtf.get(t) ?? 0) + 1);
    for (const [t, q] of qtf) {
      const list = postings.get(t);
      if (list === undefined) continue;
      const df = list.length / 2;
      const idf = Math.log(1 + (backlog.length - df + 0.5) / (df + 0.5));
      for (let i = 0; i < list.length; i += 2) {
        const slot = list[i]!;
        const tf = list[i + 1]!;
        acc[slot]! += (q * idf * tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * lengths[slot]!) / avg));
      }
    }
    const ranked = [...acc.keys()]
      .filter((s) => acc[s]! > 0 && created[s]! < before && backlog[s]!.id !== query.id)
      .sort((a, b) => acc[b]! - acc[a]!)
      .slice(0, limit)
      .map((s) => backlog[s]!.id);
    return { id: query.id, ranked };
  });
}
