import {
  type Block,
  bold,
  bulletList,
  code,
  type Doc,
  doc,
  type Inline,
  type InlineInput,
  inline,
  link,
  mapInlines,
  paragraph,
  type TextRun,
} from '../../src/domain/doc.ts';
import type { Actor } from '../../src/domain/events.ts';
import type { LinkingRules } from '../../src/domain/linking/index.ts';
import type { Candidate, ItemSummary } from '../../src/linking/index.ts';

const percent = (value: number) => `${Math.round(value * 100)}%`;

/** What a comment says of a match: the item, the confidence, the shared words, the ticket it was worded like. */
export type MatchShown = Pick<Candidate, 'item' | 'confidence' | 'sharedTerms' | 'viaTicket'>;

/**
 * The item's title after its key, unless it is behind a Jira issue security level: a ticket's readers (every agent
 * of the desk, the customer of a public comment) are not the level's members, so it is named by key only.
 */
export const titleAfterKey = (item: ItemSummary) => (item.restricted ? '' : ` ${item.title}`);

const named = (item: ItemSummary): InlineInput[] => [link(item.ref.key, item.url), titleAfterKey(item)];

/** What a match with a restricted item says in place of the words it shares. */
const RESTRICTED_MATCH = 'matches words of a restricted item';

/** The words a match shares, as `why` says them of an item not restricted: up to the `;` before the confidence. */
const SHARED_WORDS = /shares [^;]*;/;

/**
 * Names the earlier ticket by key only: its text is the customer's, not for other tickets' readers. The words a
 * restricted item shares are its words too, so they are not listed.
 */
function why(candidate: MatchShown): string {
  const terms = candidate.sharedTerms.length > 0 ? candidate.sharedTerms.join(', ') : 'no distinctive words';
  const learnt = candidate.viaTicket ? `; worded like ${candidate.viaTicket.key}, already linked to it` : '';
  const words = candidate.item.restricted ? RESTRICTED_MATCH : `shares ${terms}`;
  return `${words}; confidence ${percent(candidate.confidence)}${learnt}`;
}

/**
 * One line per candidate, starting with the command that confirms it, so people can copy the line. The command
 * names the key already: a restricted item, whose title is not shown, gets nothing more (its link would open for
 * the level's members only, and a linked command is one people cannot select to copy).
 */
export function candidateLines(candidates: readonly Candidate[], linked: ReadonlySet<string> = new Set()) {
  return bulletList(
    candidates.map((candidate) =>
      inline(
        code(`/link ${candidate.item.ref.key}`),
        candidate.item.restricted ? [] : inline(' ', link(candidate.item.title, candidate.item.url)),
        ` (${why(candidate)}${linked.has(candidate.id) ? ', linked' : ''})`,
      ),
    ),
  );
}

/** The item's status name when it is resolved already (no resolution notice will come for this link). */
export type ResolvedAs = string | undefined;

function alreadyResolved(item: ItemSummary, resolvedAs: ResolvedAs): Block[] {
  return resolvedAs
    ? [paragraph(`${item.ref.key} is already ${resolvedAs}: the fix is out; let the customer know.`)]
    : [];
}

export function autoLinkComment(candidate: MatchShown, rules: LinkingRules, resolvedAs?: ResolvedAs): Doc {
  return doc(
    paragraph('Linked to ', ...named(candidate.item), '.'),
    ...alreadyResolved(candidate.item, resolvedAs),
    paragraph(
      `Why: the ticket ${why(candidate)} (links are made automatically from ${percent(rules.autoLinkThreshold)}).`,
    ),
    paragraph(
      'Wrong item? Remove the link, or comment ',
      code(`/unlink ${candidate.item.ref.key}`),
      '; then ',
      code('/link KEY'),
      ' the right one.',
    ),
  );
}

/** `APP-1`, `APP-1 and APP-2`, `APP-1, APP-2 and APP-3`, each as code. */
function keys(list: readonly string[]): InlineInput[] {
  return list.flatMap((key, index) => [
    ...(index === 0 ? [] : [index === list.length - 1 ? ' and ' : ', ']),
    code(key),
  ]);
}

/** Says which links a person removed in the tracker, so the comment no longer calls them linked. */
function removedNote(removed: readonly string[]): Block[] {
  if (removed.length === 0) return [];
  return [
    paragraph(
      removed.length > 1 ? 'The links to ' : 'The link to ',
      ...keys(removed),
      `${removed.length > 1 ? ' were' : ' was'} removed in the tracker; the service no longer links this ticket automatically.`,
    ),
  ];
}

/** Items deleted in the tracker, whose links went with them: nobody unlinked anything. */
function deletedNote(deleted: readonly string[]): Block[] {
  if (deleted.length === 0) return [];
  return [
    paragraph(
      ...keys(deleted),
      deleted.length > 1
        ? ' were deleted in the tracker; this ticket is no longer linked to them.'
        : ' was deleted in the tracker; this ticket is no longer linked to it.',
    ),
  ];
}

/**
 * `removed`: keys of the items whose link a person just removed in the tracker; `deleted`: of those deleted with
 * their links.
 */
export function suggestionsComment(
  candidates: readonly Candidate[],
  removed: readonly string[] = [],
  deleted: readonly string[] = [],
): Doc {
  if (candidates.length === 0) {
    return doc(
      ...removedNote(removed),
      ...deletedNote(deleted),
      paragraph(
        'No backlog item matches this ticket yet. Link one by hand: ',
        code('/link KEY-or-card-URL'),
        '.',
      ),
    );
  }
  return doc(
    ...removedNote(removed),
    ...deletedNote(deleted),
    paragraph('This ticket may be about one of these backlog items; a person decides.'),
    paragraph('To link one, comment its ', code('/link'), ' line:'),
    candidateLines(candidates),
  );
}

/** The ticket's other links that stand: a comment about one link must not read as if it were the only one. */
function stillLinked(linked: readonly string[]): Block[] {
  if (linked.length === 0) return [];
  return [paragraph('Still linked to ', ...keys(linked), '; support hears here when it is resolved.')];
}

export function linkRemovedComment(
  removed: readonly string[],
  linked: readonly string[],
  deleted: readonly string[] = [],
): Doc {
  return doc(...removedNote(removed), ...deletedNote(deleted), ...stillLinked(linked));
}

/** `others`: keys of the other items the ticket stays linked to. */
export function linkedByHandComment(
  item: ItemSummary,
  by: Actor,
  others: readonly string[],
  resolvedAs?: ResolvedAs,
): Doc {
  return doc(
    paragraph('Linked to ', ...named(item), ` by ${by.displayName}.`),
    ...(resolvedAs
      ? alreadyResolved(item, resolvedAs)
      : [paragraph('Support hears here when it is resolved.')]),
    ...(others.length > 0
      ? [paragraph('Also linked to ', ...keys(others), '; ', code('/unlink KEY'), ' removes a wrong one.')]
      : []),
  );
}

/** `others`: keys of the items the ticket stays linked to. */
export function unlinkedComment(item: ItemSummary, by: Actor, others: readonly string[]): Doc {
  return doc(paragraph('Unlinked from ', ...named(item), ` by ${by.displayName}.`), ...stillLinked(others));
}

export function noMatchComment(by: Actor): Doc {
  return doc(
    paragraph(`None of the suggested backlog items is this ticket's, said ${by.displayName}.`),
    paragraph('Link one by hand: ', code('/link KEY-or-card-URL'), '.'),
  );
}

export function resolvedNotice(item: ItemSummary, status: string, resolution: number): Doc {
  const again = resolution > 1 ? ' again' : '';
  return doc(
    paragraph(bold('Resolved: '), ...named(item), ` is ${status}${again}.`),
    paragraph('This ticket is linked to it; let the customer know the fix is on its way.'),
  );
}

export function reopenedNotice(item: ItemSummary, status: string): Doc {
  return doc(
    paragraph(
      bold('Reopened: '),
      ...named(item),
      ` is ${status} again; the fix announced here did not hold.`,
    ),
    paragraph('This ticket is still linked to it; support hears here when it is resolved.'),
  );
}

/**
 * The one comment the customer sees: plain words, nothing internal (no keys, no links into the backlog, which the
 * customer cannot open), and it says it was posted automatically.
 */
export function customerNotice(resolution: number): Doc {
  return doc(
    paragraph(
      resolution > 1
        ? 'Update on your request: the problem behind it has been fixed again.'
        : 'Update on your request: the problem behind it has been fixed.',
    ),
    paragraph('This message was posted automatically; the team will follow up if anything else is needed.'),
  );
}

export function similarReply(candidates: readonly Candidate[], linked: ReadonlySet<string>): Block[] {
  if (candidates.length === 0) return [paragraph('No backlog item shares enough words with this ticket.')];
  return [paragraph('Closest backlog items now:'), candidateLines(candidates, linked)];
}

/** An item as the service's earlier comments may name it: by its keys (before and after a move) and titles. */
export interface EarlierNames {
  keys: readonly string[];
  titles: readonly string[];
}

/**
 * A comment the service wrote before the item was behind a security level, as it would write it now: the title
 * after its key (`named`), the title linked on its suggestion line, and the words it shared (in the line, or in an
 * automatic link's "Why") give way to what `titleAfterKey`, `candidateLines` and `why` say of a restricted item.
 * Other items' lines, and everything else, stay as they were.
 */
export function unnamedIn(document: Doc, names: EarlierNames): Doc {
  // An automatic link's comment names its one item first ("Linked to APP-1 …"), its "Why" after.
  const autoLinked = document.blocks.some((block) => {
    const [lead, key] = block.type === 'paragraph' ? block.content : [];
    return lead?.text === 'Linked to ' && key?.href !== undefined && names.keys.includes(key.text);
  });
  return mapInlines(document, (content) => {
    const unnamed = unnamedInLine(content, names);
    const [first, ...rest] = unnamed;
    return autoLinked && first?.text.startsWith('Why: the ticket shares ')
      ? [{ ...first, text: first.text.replace(SHARED_WORDS, `${RESTRICTED_MATCH};`) }, ...rest]
      : unnamed;
  });
}

/** A title right after a key, up to the end of the run, a space or the full stop of the sentence. */
function titleAt(run: TextRun | undefined, titles: readonly string[]): string | undefined {
  return [...titles]
    .sort((a, b) => b.length - a.length)
    .find(
      (title) => run?.text.startsWith(` ${title}`) && /^(?:$|[ .])/.test(run.text.slice(title.length + 1)),
    );
}

function unnamedInLine(content: Inline, names: EarlierNames): Inline {
  const runs: TextRun[] = [];
  for (let at = 0; at < content.length; at += 1) {
    const run = content[at] as TextRun;
    runs.push(run);
    const next = content[at + 1];
    const title = run.href !== undefined && names.keys.includes(run.text) && titleAt(next, names.titles);
    if (next && title) {
      // `named`: the key's link, then the title in the sentence's text.
      at += 1;
      const rest = next.text.slice(title.length + 1);
      if (rest) runs.push({ ...next, text: rest });
    } else if (
      run.code &&
      names.keys.some((key) => run.text === `/link ${key}`) &&
      next?.text === ' ' &&
      content[at + 2]?.href !== undefined
    ) {
      // `candidateLines`: the command, then the title linked, then why it matched.
      at += 2;
      const reason = content[at + 1];
      if (reason) {
        at += 1;
        runs.push({ ...reason, text: reason.text.replace(SHARED_WORDS, `${RESTRICTED_MATCH};`) });
      }
    }
  }
  return runs;
}
