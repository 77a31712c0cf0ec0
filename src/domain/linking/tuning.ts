import Type, { type Static } from 'typebox';

const weight = Type.Number({ minimum: 0 });
const share = Type.Number({ minimum: 0, maximum: 1 });
const count = Type.Integer({ minimum: 1 });

/** Ranking parameters. Tuned on the even-indexed queries of the Apache Jira duplicate dev set. */
export const LinkingTuningSchema = Type.Object(
  {
    /** BM25 term-frequency saturation. */
    k1: Type.Number({ exclusiveMinimum: 0 }),
    /** BM25F field weights and length normalisation. */
    titleWeight: weight,
    descriptionWeight: weight,
    titleB: share,
    descriptionB: share,
    /** Query-side weight of a term that appears in the incoming ticket's title (description terms weigh 1). */
    queryTitleBoost: weight,
    /** Weight of compound identifiers (dotted names, camelCase wholes) relative to words. */
    wholeWeight: weight,
    /** Weight of adjacent-word bigrams relative to words; 0 disables the channel. */
    bigramWeight: weight,
    /** Weight of the share of the item's title (IDF-weighted) that the ticket contains; used to rerank. */
    itemTitleCoverageWeight: weight,
    /** How many top candidates are reranked with the item-title coverage. */
    rerankDepth: count,
    /** Terms in more than this share of items are not scored (near stop words; saves most of the latency). */
    maxDocumentFrequency: share,
    /** Only the most informative query terms are scored (latency and noise). */
    maxQueryTerms: count,
    /** Description tokens beyond this are ignored (pasted logs repeat themselves). */
    maxDescriptionTokens: count,
    /** Recency prior: score += recencyWeight * (1 - log1p(ageDays / recencyScaleDays)/log1p(3650/scale)). */
    recencyWeight: weight,
    recencyScaleDays: Type.Number({ exclusiveMinimum: 0 }),
  },
  { additionalProperties: false },
);
export type LinkingTuning = Static<typeof LinkingTuningSchema>;

/** Some of the parameters, the rest from `DEFAULT_LINKING_TUNING` (e.g. `linking eval --tuning`). */
export const LinkingTuningOverrideSchema = Type.Partial(LinkingTuningSchema, { additionalProperties: false });

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
