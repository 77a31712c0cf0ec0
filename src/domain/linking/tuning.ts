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
  maxDocumentFrequency: 0.2,
  maxQueryTerms: 32,
  maxDescriptionTokens: 400,
  recencyWeight: 0.2,
  recencyScaleDays: 30,
});
