/** Ranking parameters. Tuned on the even-indexed queries of the Apache Jira duplicate dev set. */
export interface LinkingTuning {
  /** BM25 term-frequency saturation. */
  k1: number;
  /** BM25F field weights and length normalisation. */
  titleWeight: number;
  descriptionWeight: number;
  titleB: number;
  descriptionB: number;
  /** Query-side weight of a term that appears in the incoming ticket's title (description terms weigh 1). */
  queryTitleBoost: number;
  /** Weight of compound identifiers (dotted names, camelCase wholes) relative to words. */
  wholeWeight: number;
  /** Weight of adjacent-word bigrams relative to words; 0 disables the channel. */
  bigramWeight: number;
  /** Weight of the share of the item's title (IDF-weighted) that the ticket contains; used to rerank. */
  itemTitleCoverageWeight: number;
  /** How many top candidates are reranked with the item-title coverage. */
  rerankDepth: number;
  /** Query weight of a backlog term mined as related to the ticket's words (times its IDF); 0 disables. */
  expansionWeight: number;
  /** Weight of the related-term share of the item's title in the rerank; 0 disables. */
  associationRerankWeight: number;
  /** How many related terms a ticket gets at most. */
  expansionTerms: number;
  /** Most recent items per query word whose titles are mined. */
  associationSample: number;
  /** A related term must occur at least this often in the mined titles. */
  associationMinHits: number;
  /** How a related term is ranked: mass x IDF, mass x log(lift), or log(lift) x log(1 + hits). */
  associationScore: 'mass' | 'pmi' | 'lift';
  /** Mine only items whose title holds the query word (title-title co-occurrence). */
  associationFromTitles: boolean;
  /** Query-side IDF clipped at this value. */
  queryIdfCap: number;
  /** Query term weight times 1 + queryTfLog * log(tf in the ticket); 0 = a term counts once. */
  queryTfLog: number;
  /** Terms in more than this share of items are not scored (near stop words; saves most of the latency). */
  maxDocumentFrequency: number;
  /** Only the most informative query terms are scored (latency and noise). */
  maxQueryTerms: number;
  /** Description tokens beyond this are ignored (pasted logs repeat themselves). */
  maxDescriptionTokens: number;
  /** Recency prior: score += recencyWeight * (1 - log1p(ageDays / recencyScaleDays)/log1p(3650/scale)). */
  recencyWeight: number;
  recencyScaleDays: number;
}

export const DEFAULT_LINKING_TUNING: Readonly<LinkingTuning> = Object.freeze({
  k1: 1.2,
  titleWeight: 3,
  descriptionWeight: 1,
  titleB: 0.5,
  descriptionB: 0.75,
  queryTitleBoost: 2,
  wholeWeight: 1,
  bigramWeight: 0,
  itemTitleCoverageWeight: 0.15,
  rerankDepth: 50,
  expansionWeight: 0,
  associationRerankWeight: 0,
  expansionTerms: 10,
  associationSample: 200,
  associationMinHits: 3,
  associationScore: 'mass',
  associationFromTitles: false,
  queryIdfCap: Number.POSITIVE_INFINITY,
  queryTfLog: 0,
  maxDocumentFrequency: 0.2,
  maxQueryTerms: 32,
  maxDescriptionTokens: 400,
  recencyWeight: 0.2,
  recencyScaleDays: 30,
});
