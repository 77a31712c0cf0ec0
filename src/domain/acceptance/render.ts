import { bold, bulletList, code, type Doc, doc, type InlineInput, inline, paragraph } from '../doc.ts';
import type { Finding, Verdict } from './findings.ts';
import type { ResolvedTemplate } from './resolve.ts';
import { parseDescription } from './sections.ts';
import { looksLikeStory } from './story.ts';
import { stripEmphasis } from './text.ts';

const STORY_PLACEHOLDER = 'As a <role>, I want <goal>, so that <benefit>.';

/** Fill-in text for the given sections of a template (all of them when `keys` is omitted). */
export function renderTemplate(
  template: ResolvedTemplate,
  keys?: string[],
  withStory = template.storySentence,
): string {
  const blocks: string[] = withStory ? [STORY_PLACEHOLDER] : [];
  for (const section of template.sections) {
    if (keys && !keys.includes(section.key)) continue;
    blocks.push([`## ${section.heading}`, ...section.placeholder].join('\n'));
  }
  return blocks.join('\n\n');
}

/**
 * The description with fill-in text for what the verdict found missing appended at the end. Existing text is
 * kept byte for byte; sections whose heading is already present are not added again, so applying it twice
 * (or with a stale verdict) changes nothing more.
 */
export function appendMissingSections(
  description: string,
  verdict: Verdict,
  template: ResolvedTemplate,
): string {
  const present = parseDescription(description, template.sections).sections;
  const keys = verdict.missingSections.filter((key) => !present.has(key));
  const needsStory =
    verdict.findings.some((f) => f.name === 'missing-user-story') &&
    !description.split(/\r?\n/).some((line) => looksLikeStory(stripEmphasis(line)));
  const addition = keys.length > 0 || needsStory ? renderTemplate(template, keys, needsStory) : '';
  if (addition === '') return description;
  const separator = description.trim() === '' ? '' : description.endsWith('\n') ? '\n' : '\n\n';
  return `${description}${separator}${addition}\n`;
}

/** The status comment: what fails and how to fix it, or that the item passes. */
export function renderStatusComment(verdict: Verdict, template: ResolvedTemplate): Doc {
  if (verdict.template === 'none') {
    return doc(paragraph('Acceptance check: no template applies to this item type.'));
  }
  const errors = verdict.findings.filter((f) => f.severity === 'error');
  const warnings = verdict.findings.filter((f) => f.severity === 'warning');
  if (verdict.findings.length === 0) {
    return doc(paragraph(bold('Acceptance check passed'), ` (${verdict.template} template).`));
  }
  const summary = verdict.ok
    ? inline(bold('Acceptance check passed'), ` with ${count(warnings.length, 'warning')}:`)
    : inline(
        bold('Acceptance check failed'),
        `: ${count(errors.length, 'problem')}`,
        warnings.length > 0 ? ` and ${count(warnings.length, 'warning')}` : '',
        ` (${verdict.template} template).`,
      );
  const blocks = [paragraph(summary), bulletList([...errors, ...warnings].map(findingLine))];
  if (verdict.missingSections.length > 0) {
    blocks.push(
      paragraph('Reply ', code('/ac template'), ' to append the missing sections to the description.'),
    );
  }
  if (!verdict.ok) {
    blocks.push(paragraph('The label ', code(template.label), ' stays on the item until the check passes.'));
  }
  return doc(...blocks);
}

function findingLine(f: Finding): InlineInput {
  const where = f.line === undefined ? '' : `line ${f.line}: `;
  const excerpt: InlineInput[] = f.excerpt === undefined ? [] : [' ', code(f.excerpt)];
  const tag = f.severity === 'warning' ? 'warning ' : '';
  return inline(bold(`${tag}${f.name}`), ` ${where}${f.message}`, ...excerpt, ` Fix: ${f.fix}`);
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
