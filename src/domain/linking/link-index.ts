import { analyzeText } from './analyze.ts';
import { DEFAULT_CALIBRATION } from './calibration-model.ts';
import { type CalibrationModel, confidenceFeatures, confidenceOf } from './confidence.ts';
import {
  addDocument,
  addLinked,
  createIndexState,
  liveCount,
  removeDocument,
  removeLinked,
} from './index-state.ts';
import { type MatchEvidence, rankCandidates } from './query.ts';
import { createScratch } from './scratch.ts';
import { tokenizeText } from './tokenize.ts';
import { DEFAULT_LINKING_TUNING, type LinkingTuning } from './tuning.ts';

/** A backlog item as the index sees it. `created` is an ISO 8601 instant (or epoch ms). */
export interface LinkDoc {
  id: string;
  title: string;
  description: string;
  created?: string | number;
}

/**
 * A ticket linked to a backlog item (by a person, or automatically): its words are evidence for the item,
 * so the next ticket worded like it finds the item even where the item's own text says it differently.
 */
export interface LinkedTicket extends LinkDoc {
  /** The ticket's id; `created` is the ticket's (later tickets see it, earlier ones do not). */
  id: string;
  itemId: string;
}

export interface LinkQueryText {
  title: string;
  description: string;
}

export interface LinkQueryOptions {
  /** Only items created strictly before this instant are candidates (the ticket's arrival time). */
  createdBefore?: string | number;
  /** Number of matches to return (default 10). */
  limit?: number;
  excludeId?: string;
}

export interface Match {
  /** The item's id. */
  id: string;
  /** Set when the item ranks here through the words of a ticket linked to it: that ticket's id. */
  via?: string;
  /** Normalised relevance (about 0..1, not a probability) plus recency prior. */
  score: number;
  /** Calibrated probability that this item is the ticket's match. */
  confidence: number;
  /** Readable query words the two texts share, most decisive first (at most 5). */
  sharedTerms: string[];
  evidence: MatchEvidence;
}

export interface LinkIndex {
  /** Adds the item or replaces the item with the same id. */
  upsert(doc: LinkDoc): void;
  remove(id: string): boolean;
  /** Adds a linked ticket's words to its item, or replaces them. */
  upsertLinked(ticket: LinkedTicket): void;
  /** False when that link's words were not indexed. */
  removeLinked(ticketId: string, itemId: string): boolean;
  query(text: LinkQueryText, options?: LinkQueryOptions): Match[];
  readonly size: number;
  /** Approximate heap bytes held by the index (postings, term dictionary, per-item data). */
  memoryEstimate(): number;
}

export interface LinkIndexOptions {
  tuning?: Partial<LinkingTuning>;
  calibration?: CalibrationModel;
}

/** Parses an instant; undefined means "unknown" (always a candidate / no filter). */
export function toEpochMs(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms)) throw new RangeError(`invalid created time: ${String(value)}`);
  return ms;
}

const SHARED_TERMS_SHOWN = 5;
/** V8 sizes behind the memory estimate: array header ~ 4 words, growth leaves ~1/4 spare capacity,
 * a term costs its string plus a Map entry, a slot its id string plus per-slot numbers. */
const ARRAY_HEADER_ENTRIES = 4;
const ARRAY_GROWTH_SLACK = 1.25;
const TERM_ENTRY_BYTES = 64;
const SLOT_BYTES = 120;

export function createLinkIndex(options: LinkIndexOptions = {}): LinkIndex {
  const tuning: LinkingTuning = { ...DEFAULT_LINKING_TUNING, ...options.tuning };
  const calibration = options.calibration ?? DEFAULT_CALIBRATION;
  const state = createIndexState();
  const scratch = createScratch();

  function query(text: LinkQueryText, queryOptions: LinkQueryOptions = {}): Match[] {
    const limit = queryOptions.limit ?? 10;
    const analyzed = analyzeText(text.title, text.description, tuning);
    const ranked = rankCandidates(state, tuning, scratch, {
      text: analyzed,
      createdBefore: toEpochMs(queryOptions.createdBefore) ?? Number.POSITIVE_INFINITY,
      excludeId: queryOptions.excludeId,
      limit: limit + 1,
    });
    const surfaces = tokenizeText(`${text.title}\n${text.description}`, true).surfaces!;
    return ranked.slice(0, limit).map((r, rank) => ({
      id: r.id,
      ...(r.via === undefined ? {} : { via: r.via }),
      score: r.score,
      evidence: r.evidence,
      confidence: confidenceOf(calibration, confidenceFeatures(ranked, rank)),
      sharedTerms: r.sharedTerms.slice(0, SHARED_TERMS_SHOWN).map((t) =>
        t.term.includes(' ')
          ? t.term
              .split(' ')
              .map((w) => surfaces.get(w) ?? w)
              .join(' ')
          : (surfaces.get(t.term) ?? t.term),
      ),
    }));
  }

  return {
    upsert(doc) {
      const created = toEpochMs(doc.created) ?? Number.NEGATIVE_INFINITY;
      addDocument(state, doc.id, created, analyzeText(doc.title, doc.description, tuning));
    },
    remove: (id) => removeDocument(state, id),
    upsertLinked(ticket) {
      const created = toEpochMs(ticket.created) ?? Number.NEGATIVE_INFINITY;
      addLinked(
        state,
        ticket.id,
        ticket.itemId,
        created,
        analyzeText(ticket.title, ticket.description, tuning),
      );
    },
    removeLinked: (ticketId, itemId) => removeLinked(state, ticketId, itemId),
    query,
    get size() {
      return liveCount(state);
    },
    memoryEstimate() {
      let entries = 0;
      let termBytes = 0;
      for (const term of state.termIds.keys()) termBytes += TERM_ENTRY_BYTES + term.length;
      for (const list of state.postings) entries += list.length + ARRAY_HEADER_ENTRIES;
      for (const list of state.titleTerms) entries += list.length + ARRAY_HEADER_ENTRIES;
      return entries * 8 * ARRAY_GROWTH_SLACK + termBytes + state.ids.length * SLOT_BYTES;
    },
  };
}
