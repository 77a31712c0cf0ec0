import { type Finding, finding } from './findings.ts';
import type { Entry } from './sections.ts';
import { conjunctionInGoal, extraText, looksLikeStory, parseStory } from './story.ts';
import { headingCandidate, stripEmphasis } from './text.ts';

/**
 * Findings about the user-story sentence, searched in the title first, then in the description's prose.
 * Emphasis is dropped first: templates often bold the keywords ("**As a** clerk, **I want** ...").
 */
export function checkStorySentence(title: string, prose: Entry[]): Finding[] {
  const story = [{ text: title }, ...paragraphs(prose)]
    .map((entry) => ({ ...entry, text: stripEmphasis(entry.text) }))
    .find((entry) => looksLikeStory(entry.text));
  if (!story) {
    return [
      finding(
        'missing-user-story',
        'error',
        {},
        'There is no user-story sentence.',
        'Add "As a <role>, I want <goal>, so that <benefit>." at the top of the description.',
      ),
    ];
  }
  const at = { line: story.line, excerpt: story.text };
  const parts = parseStory(story.text);
  const findings: Finding[] = [];
  if (!parts.role) {
    findings.push(
      finding(
        'missing-role',
        'error',
        at,
        'The story does not say who wants it.',
        'Start with "As a <role>," naming a concrete user or persona.',
      ),
    );
  }
  if (!parts.goal) {
    findings.push(
      finding(
        'missing-goal',
        'error',
        at,
        'The story does not say what the user wants.',
        'Add "I want <goal>," describing one capability.',
      ),
    );
  }
  if (!parts.benefit) {
    findings.push(
      finding(
        'missing-benefit',
        'error',
        at,
        'The story does not say why the user wants it.',
        'End with "so that <benefit>." stating the value for the user.',
      ),
    );
  }
  const conjunction = parts.goal && conjunctionInGoal(parts.goal);
  if (conjunction) {
    findings.push(
      finding(
        'not-atomic',
        'warning',
        at,
        `The goal joins several requirements with "${conjunction}".`,
        'Split it into one story per goal, each with its own acceptance criteria.',
      ),
    );
  }
  const extra = extraText(story.text, parts);
  if (extra) {
    findings.push(
      finding(
        'not-minimal',
        'warning',
        { line: story.line, excerpt: extra },
        'The story sentence carries more than role, goal and benefit.',
        'Keep the sentence to role, goal and benefit; move notes, examples and asides into the description.',
      ),
    );
  }
  return findings;
}

const SENTENCE_END = /[.!?]\s*$/;

/** Lines of an unfinished sentence joined, so a story wrapped over several lines is read whole. */
function paragraphs(entries: Entry[]): Entry[] {
  const result: Entry[] = [];
  let previous: Entry | undefined;
  // Whether the paragraph so far ends a sentence, known from the line last added to it: asking the joined text
  // reads it whole once per line, quadratic on a long description of short lines.
  let ended = false;
  for (const entry of entries) {
    const last = result.at(-1);
    const continues =
      last !== undefined &&
      previous?.line !== undefined &&
      entry.line === previous.line + 1 &&
      !ended &&
      !headingCandidate(previous.text)?.explicit &&
      !looksLikeStory(entry.text) &&
      !/^\s*([-*#]|\d+[.)])/.test(entry.text);
    if (last && continues) last.text = `${last.text} ${entry.text}`;
    else result.push({ ...entry });
    // A blank line added to a paragraph leaves its end as it was.
    if (!continues || entry.text.trim() !== '') ended = SENTENCE_END.test(entry.text);
    previous = entry;
  }
  return result;
}
