import type { Entry } from './sections.ts';
import { stripListMarker } from './text.ts';

/**
 * Recognises the content of a bug report's parts in prose, because most reporters write "when I click X it
 * crashes, it should ..." rather than headed sections (Chaparro et al., FSE 2017, found the same patterns).
 */
export type ContentKind = 'steps' | 'expected' | 'actual' | 'environment';

const NUMBERED = /^(?:\(?\d{1,2}\s*[.):-]|\d{1,2}(?=\s+[A-Za-z])|step\s*\d+\b)/i;
const BULLET = /^[-*•]\s+\S/;
/** "Step 2 add an item", "2 - add an item": markers the shared list markers do not know (in criteria they are words). */
const STEP_MARKER = /^(?:step\s*)?\d+\s*[.):-]?\s*/i;

const VERB_STEMS =
  'open|click|double-click|right-click|navigate|visit|browse|load|reload|refresh|select|choose|type|enter|press|tap|run|start|launch|restart|install|uninstall|create|add|delete|remove|drag|close|change|edit|save|copy|paste|try|tri|use|execute|call|compile|download|upload|log|sign|switch|toggle|enable|disable|check|uncheck|import|export|configure|pull|push|mount|attach|invoke|submit|scroll|hover|move|resize|insert|rename|search|view|apply|connect|disconnect|exit|quit|update|upgrade|downgrade|boot|reboot|deploy|generate|expand|collapse|share|publish|comment|like|follow|play|stop|pause|zoom|print|mark|fill|login|logout|access|request|redirect|rotat|receiv|post|send|link|point|specify|modify|debug|build|make|set|put|hit|go|do|write';
const VERB = `(?:${VERB_STEMS})(?:s|e|es|ed|d|ing|ped|ted|ged)?|ran|went|made|sent|built|chose|wrote|did|took|clicked`;
/** A sentence that starts with an action verb: "Open the cart", "In Reader, tap a post" (not "Comment must be ..."). */
const ACTION_START = new RegExp(
  `^(?:(?:then|now|next|and|finally|first|also|again|afterwards)[\\s,]+)?(?:(?:in|on|from|at|inside|within|under)\\s+[^,]{1,40},\\s*)?(?:${VERB_STEMS})(?![\\w-])(?!\\s+(?:must|should|is|are|was|were|can|will|does|did|has|version)\\b)\\s+\\S`,
  'i',
);
/** In running prose a short "Copy" or "Open source" is too weak: three words at least. */
const IMPERATIVE = new RegExp(`${ACTION_START.source}\\S*\\s+\\S`, 'i');
/** "Key: value" lines (version dumps, headers) are data, not actions. */
const KEY_VALUE = /^[\w .()/-]{1,40}:\s/;

const STEPS_PHRASE =
  /\b(?:to (?:reproduce|recreate)|reproduc(?:e|ible|ed) (?:with|by|using|it|this|the)|test ?case|do the following|try the following|run the following|following steps|following code|the code below|below code|sample code|example code)\b|\b(?:str|repro(?:duction)?(?: steps)?)\s*:/i;
/** "when I click ...", "if you then run ...": an action the reader can repeat (not "when a user ...", not "when I last ..."). */
const STEPS_CONDITION = new RegExp(
  `\\b(?:when|whenever|if|after|once|as soon as)\\s+(?:i|you|we)\\s+(?:(?:then|first|just|also|now|try to|tried to|attempt to)\\s+)?(?:${VERB})\\b`,
  'i',
);
const SHELL =
  /^(?:\$|#|>|[\w.-]+@[\w.-]+[:~$#]+)\s*(?:sudo\s+)?(?:docker|git|curl|npm|make|go|cd|ls|cat|echo|mkdir|run|apt|yum|pip|java|python|node|\.\/)\b/i;
const NEGATED_STEPS =
  /\b(?:can(?:no|')?t|cannot|unable to|not able to|couldn'?t|could not|didn'?t|did not|no way to|don'?t know how to)\s+(?:re-?create|reproduce|repro)\b|\b(?:not reproducible|no steps|(?:unsure|not sure) how to (?:reproduce|repro|recreate)|(?:don'?t|do not) have (?:any )?steps)\b/i;

/** "doesn't" also arrives as "doesn t" (some trackers' exports replace apostrophes). */
const NT = "n['’ ]?t";
const EXPECTED = [
  '(?<!(?:as|is|was|are|were|and|not) )expect(?:ed|s|ing|ation)?',
  `should(?:${NT}| not)?`,
  'supposed to',
  'ought to',
  'rather than',
  'suggestion',
  `(?<!\\b(?:i|we) )must(?:${NT}| not)?(?![-\\w]|\\s+have\\b)`,
  'would (?:expect|like|prefer|have|want)',
  'would be (?:nice|better|good|great|preferable|ideal|expected|correct|useful|helpful)',
  'it would be',
  "it['’]?d be",
  "i['’ ]?d (?:like|prefer|expect)",
  'want(?:ed)? (?:it|to be|the)',
  '(?:i|we) would like',
  'desired',
  'ideally',
  'correct (?:behaviou?r|result|way)',
  '(?:needs?|has|have) to be',
  'better (?:to|if|way)',
  "we['’ ]?d better",
  'propos\\w*',
  'feature request\\w*',
  'prefer(?:red|able)?',
  'consider \\w+ing',
  'perhaps',
].join('|');
const EXPECTED_LINE = new RegExp(`\\b(?:${EXPECTED})\\b`, 'i');
const INSTEAD_OF = /\binstead of(?! \w+ing\b)\b/i;
const USE_WORD = /\b(?:use|using|used|uses)\b/i;

/**
 * Whether some sentence of `text` (pieces between `end`s) holds `first` and, after it, `then`. Only the first `first`
 * of a sentence is tried: a regular expression `first[^.]*then` tries each one and reads the rest of the sentence
 * from each, quadratic in a long sentence repeating it (a description that says "should I" 3,000 times).
 */
function inOneSentence(text: string, end: RegExp | string, first: RegExp, then: RegExp): boolean {
  return text.split(end).some((sentence) => {
    const found = first.exec(sentence);
    return found !== null && then.test(sentence.slice(found.index + found[0].length));
  });
}

/** "instead of" states the wish, unless a sentence says what to use ("use X instead of Y") before it. */
function insteadOf(text: string): boolean {
  return text.split('.').some((sentence) => {
    const instead = INSTEAD_OF.exec(sentence);
    if (!instead) return false;
    const use = USE_WORD.exec(sentence);
    return !use || use.index + use[0].length > instead.index;
  });
}

function statesExpectation(text: string): boolean {
  return EXPECTED_LINE.test(text) || insteadOf(text);
}
/**
 * Lines where "expected"/"should" belong to someone else's words: program output (error lines, test assertions
 * "got X, expected Y"), questions to the reader, and remarks about the report itself.
 */
const NOT_EXPECTATION =
  /\b(?:should|must|needs? to) be (?:fixed|refactored|rewritten|dropped|investigated|backported|reviewed)\b|\bshould (?:be (?:easy|simple|trivial|straightforward|possible|noted|enough)|probably|also note)\b|FATA\[|^Message:|^\W*(?:uncaught\s+)?(?:exception|error|fatal|warning)\b[^:]{0,40}:|\binstead of (?:the )?(?:expected|correct|desired|right|proper|intended) (?:results?|outputs?|behaviou?r|values?|text|page)\b|\bis (?:this|that|it) expected\b|\b(?:would|'d) like to (?:know|report|ask|mention|point out|add|note|say)\b|\b(?:if|whether) (?:i|you|we)['’ ]?d like\b/i;
/** Names of exceptions and errors in program output ("NullPointerException", "TypeError"), not the word "error". */
const ERROR_NAME = /(?<![\w.])[\w.]*[a-z](?:Exception|Error)\b/;
/** The rest of NOT_EXPECTATION, read a sentence at a time: "got X, expected Y", and questions ("should I …?"). */
const GOT = /\bgot\b/i;
const EXPECTED_WORD = /\bexpected\b/i;
const ASKING = /\b(?:should|would|can|could) (?:i|we)\b/i;
/** A question's sentence ends at a full stop followed by a space or the end ("v1.2" goes on). */
const SENTENCE_END = /\.(?!\S)/;

function notExpectation(text: string): boolean {
  return (
    NOT_EXPECTATION.test(text) ||
    inOneSentence(text, '.', GOT, EXPECTED_WORD) ||
    inOneSentence(text, '.', EXPECTED_WORD, GOT) ||
    inOneSentence(text, SENTENCE_END, ASKING, /\?/)
  );
}

const ACTUAL =
  /\b(?:crash\w*|error\w*|exception\w*|fail\w*|hang\w*|freez\w*|broken|break\w*|wrong|incorrect\w*|instead|nothing happens|no longer|doesn'?t|does not|don'?t|didn'?t|did not|isn'?t|is not|aren'?t|are not|wasn'?t|was not|can'?t|cannot|could not|couldn'?t|unable|won'?t|will not|missing|blank|empty|ignor\w*|returns?|returned|shows?|showed|shown|displays?|displayed|appears?|appeared|gets?|got|happens|happened|results? in|causes?|caused|only|still|stuck|leak\w*|slow\w*|problem|issue|bug|warning|not working|lost|disappear\w*|stops?|stopped|throws?|thrown|mismatch|unexpected\w*|invalid|timeout|timed out|denied|refus\w*|reject\w*|duplicate\w*|never|becomes?|became|reads|looks|seems?|seemed|(?:i|we|you) (?:see|saw|get|noticed?|observed)|observe|forgets?|forgotten|allows?|allowed|lets|keeps?|kept|takes?|took|too (?:long|big|large|small|slow|much|many)|without|currently|no response|responds?|resets?|jumps?|flickers?|blocks?|blocked|ends? up|(?:is|are|was|were) (?:still |now |always |not )?(?:shown|displayed|visible|enabled|disabled|set|used|lost|gone|greyed|grayed|truncated|cut|clipped|misplaced|misaligned|overlapping|selected|ignored))\b/i;

const ENVIRONMENT =
  /\b(?:version|build identifier|build id|user-agent|user agent|windows|mac ?os|os x|linux|ubuntu|debian|fedora|centos|android|ios|iphone|ipad|chrome|firefox|safari|edge|internet explorer|kernel|jdk|jre|java\.version|eclipse\.buildid|platform|device)\b|\bv?\d+\.\d+\b/i;

/** What people leave under a heading when they have nothing to say. */
const STAND_IN = /^(?:n\/?a|none|unknown|tbd|always|sometimes|didn'?t try|-|\?)\.?$/i;

const STACK = /^(?:at\s+[\w$.<>]+\(|[\w$]+(?:\.[\w$]+)+(?:Exception|Error)\b)/;

/**
 * Whether the description (or title) shows content of this kind. A title counts for
 * the actual result and the environment ("Crash on save in Firefox 127") but not for the expected result:
 * the human coders of real reports agreed with that for 76 % of titles stating a symptom and only 29 % of
 * titles saying what "should" happen, which mostly name a wish, not the behaviour the reporter expected.
 */
export function findContent(kind: ContentKind, title: string, entries: Entry[]): boolean {
  const prose = entries.filter((entry) => !STACK.test(entry.text));
  switch (kind) {
    case 'steps':
      return findSteps(prose);
    case 'expected':
      return prose.some(
        ({ text }) => !notExpectation(text) && !ERROR_NAME.test(text) && statesExpectation(text),
      );
    case 'actual':
      return prose.some((entry) => isObservation(entry) && ACTUAL.test(entry.text)) || ACTUAL.test(title);
    case 'environment':
      return prose.some((entry) => ENVIRONMENT.test(entry.text)) || ENVIRONMENT.test(title);
  }
}

/** Whether the lines under a heading hold real content (not "N/A", "can't reproduce", an empty "1."). */
export function hasSectionContent(kind: ContentKind, items: Entry[]): boolean {
  const texts = items
    .map((item) => stripListMarker(item.text))
    .filter((text) => /[A-Za-z]/.test(text) && !STAND_IN.test(text));
  if (kind !== 'steps') return texts.length > 0;
  return !NEGATED_STEPS.test(texts[0] ?? '') && texts.some((text) => text.split(/\s+/).length >= 3);
}

/** Whether two parts say the same words (endings aside): an expected result copied from the actual one. */
export function restates(a: Entry[], b: Entry[]): boolean {
  const words = (entries: Entry[]) =>
    new Set(
      entries.flatMap((entry) =>
        (
          stripListMarker(entry.text)
            .toLowerCase()
            .match(/[a-z0-9]+/g) ?? []
        ).map((w) => w.replace(/(?:ing|ed|es|s|d)$/, '')),
      ),
    );
  const x = words(a);
  const y = words(b);
  return x.size === y.size && [...x].every((w) => y.has(w));
}

function findSteps(entries: Entry[]): boolean {
  const negated = entries.find((entry) => NEGATED_STEPS.test(entry.text));
  const usable = entries.filter((entry) => entry !== negated);
  return (
    stepList(usable) ||
    usable.some(({ text }) => STEPS_PHRASE.test(text) || STEPS_CONDITION.test(text) || SHELL.test(text)) ||
    imperatives(usable, 2)
  );
}

/** Two list lines in a row, at least one of them an action ("1 Open the menu", "- click Save"). */
function stepList(entries: Entry[]): boolean {
  const listed = ({ text }: Entry) => NUMBERED.test(text) || BULLET.test(text);
  const action = ({ text }: Entry) => ACTION_START.test(stripListMarker(text).replace(STEP_MARKER, ''));
  return entries.some((b, i) => {
    const a = entries[i - 1];
    return a !== undefined && listed(a) && listed(b) && (action(a) || action(b));
  });
}

function imperatives(entries: Entry[], min: number): boolean {
  let total = 0;
  for (const entry of entries) {
    // `(?<!\s)`: "and then" is looked for from the start of a run of spaces only, not again from each space in it.
    const sentences = stripListMarker(entry.text).split(/(?<=[.!?])\s+|,\s*then\s+|(?<!\s)\s+and then\s+/i);
    if (KEY_VALUE.test(entry.text)) continue;
    total += sentences.filter((sentence) => IMPERATIVE.test(sentence)).length;
    if (total >= min) return true;
  }
  return false;
}

/** A sentence that states what should happen is not a report of what happens ("you should get an error"). */
function isObservation(entry: Entry): boolean {
  return !statesExpectation(entry.text) || /\b(?:but|however|instead|although|though)\b/i.test(entry.text);
}
