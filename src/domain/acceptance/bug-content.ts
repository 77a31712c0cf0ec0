import type { Entry } from './sections.ts';
import { stripListMarker } from './text.ts';

/**
 * Recognises the content of a bug report's parts in prose, because most reporters write "when I click X it
 * crashes, it should ..." rather than headed sections (Chaparro et al., FSE 2017, found the same patterns).
 */
export type ContentKind = 'steps' | 'expected' | 'actual' | 'environment';

export interface ContentMatch {
  line?: number;
  excerpt: string;
}

const ACTION_VERBS =
  'open|opens|click|clicks|double-click|right-click|go|goes|navigate|visit|browse|load|reload|refresh|select|choose|pick|type|enter|press|hit|tap|run|start|launch|restart|install|uninstall|create|add|delete|remove|drag|drop|close|set|change|edit|save|copy|paste|cut|try|use|make|put|execute|call|build|compile|download|upload|log|sign|switch|toggle|enable|disable|check|uncheck|import|export|configure|write|debug|pull|push|mount|attach|invoke|send|post|submit|scroll|hover|move|resize|insert|rename|search|view|press|wait|do|apply|connect|disconnect|exit|quit|update|upgrade|downgrade|boot|reboot|deploy|generate|expand|collapse|share|publish|like|comment|follow|play|stop|pause|zoom|print|drag|mark|fill|login|logout|access|request|query|define|declare|implement|register|link|point|put|specify|modify';
const ACTION_LINE = new RegExp(
  `^(?:then\\s+|now\\s+|next\\s+|and\\s+|finally\\s+|first\\s+)?(?:${ACTION_VERBS})\\b`,
  'i',
);
const NUMBERED = /^\s*(?:\(?\d{1,2}\s*[.):-]|\d{1,2}(?=\s+[A-Za-z])|step\s*\d+\b)/i;
const BULLET = /^\s*[-*•]\s+\S/;

const STEPS_PHRASE =
  /\b(?:steps? to reproduce|to reproduce|how to reproduce|reproduc(?:e|ible|ed) (?:with|by|using|it|this|the)|str\s*:|repro(?:duction)?(?: steps)?\s*:|test ?case|do the following|try the following|run the following|following steps|following code|the code below|below code|sample code|example code)\b/i;
const STEPS_CONDITION =
  /\b(?:when|whenever|if|after|once|while|before)\s+(?:i|you|we|the user|a user|users|someone|one)\s+(?:\w+\s+)?(?:try|tries|tried|open|opens|opened|click|clicks|clicked|go|went|navigate|visit|load|select|type|typed|enter|press|run|ran|start|launch|install|create|add|delete|remove|drag|close|set|change|edit|save|copy|paste|use|make|put|call|build|download|upload|log|sign|switch|send|post|submit|scroll|move|insert|search|view|do|did|apply|connect|update|upgrade|deploy|share|publish|restart|execute|executed|access|request|request)\w*\b/i;
const SHELL =
  /^\s*(?:\$|#|>|[\w.-]+@[\w.-]+[:~$#]+)\s*(?:sudo\s+)?(?:docker|git|curl|npm|make|go|cd|ls|cat|echo|mkdir|run|apt|yum|pip|java|python|node|\.\/)\b/i;
const NEGATED_STEPS =
  /\b(?:can(?:no|')?t|cannot|unable to|not able to|couldn'?t|could not|didn'?t|did not|no way to|don'?t know how to)\s+(?:re-?create|reproduce|repro|recreate)\b|\bnot reproducible\b|\bno steps\b/i;

const EXPECTED =
  /\b(?:expect(?:ed|s|ing|ation)?|should(?:n'?t| not)?|supposed to|ought to|instead of|rather than|would (?:be|expect|like|prefer|have|want)|it'?d be|i'?d (?:like|prefer|expect)|want(?:ed)? (?:it|to be|the)|would like|desired|ideally|correct (?:behaviou?r|result|way)|must(?:n'?t| not)?|needs? to be|has to be|have to be|better to|we'?d better|better if|better way)\b/i;

const ACTUAL =
  /\b(?:crash\w*|error\w*|exception\w*|fail\w*|hang\w*|freez\w*|broken|break\w*|wrong|incorrect\w*|instead|nothing happens|no longer|doesn'?t|does not|don'?t|didn'?t|did not|isn'?t|is not|aren'?t|are not|wasn'?t|was not|can'?t|cannot|could not|couldn'?t|unable|won'?t|will not|missing|blank|empty|ignor\w*|returns?|returned|shows?|showed|shown|displays?|displayed|appears?|appeared|gets?|got|happens|happened|results? in|causes?|caused|only|still|stuck|leak\w*|slow\w*|problem|issue|bug|warning|not working|lost|disappear\w*|stops?|stopped|throws?|thrown|breaks?|mismatch|unexpected\w*|invalid|timeout|timed out|denied|refus\w*|reject\w*|duplicate\w*|never)\b/i;

const ENVIRONMENT =
  /\b(?:version|build identifier|build id|user-agent|user agent|windows|mac ?os|os x|linux|ubuntu|debian|fedora|centos|android|ios|iphone|ipad|chrome|firefox|safari|edge|internet explorer|kernel|jdk|jre|java\.version|eclipse\.buildid|platform|device)\b|\bv?\d+\.\d+(?:\.\d+)*\b/i;

const STACK = /^\s*(?:at\s+[\w$.<>]+\(|\.\.\.\s*\d+\s+more|[\w$]+(?:\.[\w$]+)+(?:Exception|Error)\b)/;

/** Where the description (or title) shows content of this kind; undefined when it does not. */
export function findContent(kind: ContentKind, title: string, entries: Entry[]): ContentMatch | undefined {
  const prose = entries.filter((entry) => !STACK.test(entry.text));
  switch (kind) {
    case 'steps':
      return findSteps(prose);
    case 'expected':
      return firstMatch(prose, EXPECTED) ?? titleMatch(title, EXPECTED);
    case 'actual':
      return firstMatch(prose, ACTUAL) ?? titleMatch(title, ACTUAL);
    case 'environment':
      return firstMatch(prose, ENVIRONMENT) ?? titleMatch(title, ENVIRONMENT);
  }
}

/** Whether the lines under a heading hold real content (not "N/A", "can't reproduce", an empty "1."). */
export function hasSectionContent(kind: ContentKind, items: Entry[]): boolean {
  const texts = items.map((item) => stripListMarker(item.text)).filter((text) => /[A-Za-z0-9]/.test(text));
  if (texts.length === 0) return false;
  if (
    kind === 'steps' &&
    texts.every((text) => NEGATED_STEPS.test(text) || /^(?:n\/?a|none|always|unknown)\.?$/i.test(text))
  ) {
    return false;
  }
  return !texts.every((text) => /^(?:n\/?a|none|unknown|tbd|-)\.?$/i.test(text));
}

function findSteps(entries: Entry[]): ContentMatch | undefined {
  const negated = entries.find((entry) => NEGATED_STEPS.test(entry.text));
  const usable = negated ? entries.filter((entry) => entry !== negated) : entries;
  return (
    stepList(usable) ??
    firstMatch(usable, STEPS_PHRASE) ??
    firstMatch(usable, STEPS_CONDITION) ??
    shellCommand(usable)
  );
}

/** Two or more numbered lines, or two or more bulleted or plain lines that start with an action verb. */
function stepList(entries: Entry[]): ContentMatch | undefined {
  for (let i = 0; i + 1 < entries.length; i++) {
    const a = entries[i];
    const b = entries[i + 1];
    if (!a || !b) continue;
    const numbered =
      NUMBERED.test(a.text) && NUMBERED.test(b.text) && /[A-Za-z]/.test(stripListMarker(a.text));
    const actions =
      ACTION_LINE.test(stripListMarker(a.text)) &&
      ACTION_LINE.test(stripListMarker(b.text)) &&
      (BULLET.test(a.text) || NUMBERED.test(a.text) || !/[.!?]\s+\S/.test(a.text));
    if (numbered || actions) return { line: a.line, excerpt: a.text };
  }
  return undefined;
}

function shellCommand(entries: Entry[]): ContentMatch | undefined {
  const entry = entries.find((e) => SHELL.test(e.text));
  return entry && { line: entry.line, excerpt: entry.text };
}

function firstMatch(entries: Entry[], pattern: RegExp): ContentMatch | undefined {
  const entry = entries.find((e) => pattern.test(e.text));
  return entry && { line: entry.line, excerpt: entry.text };
}

function titleMatch(title: string, pattern: RegExp): ContentMatch | undefined {
  return pattern.test(title) ? { excerpt: title } : undefined;
}
