import { findContent, hasSectionContent, restates } from './bug-content.ts';
import { checkCriteria } from './check-criteria.ts';
import { checkStorySentence } from './check-story.ts';
import {
  emptySection,
  expectedRestatesActual,
  type Finding,
  missingSection,
  type Verdict,
} from './findings.ts';
import type { ResolvedTemplate } from './resolve.ts';
import type { Section } from './rules.ts';
import { type ChecklistInput, type Entry, type ParsedDescription, parseDescription } from './sections.ts';

export interface ItemInput {
  title: string;
  /** Plain text with structure kept as lines (what the tracker adapters deliver). */
  description: string;
  type?: string;
  checklists?: ChecklistInput[];
}

/** The one verdict for an item against its resolved template. Pure and deterministic. */
export function checkItem(item: ItemInput, template: ResolvedTemplate): Verdict {
  if (template.name === 'none') return { ok: true, template: 'none', findings: [], missingSections: [] };
  const parsed = parseDescription(item.description, template.sections, item.checklists);
  const findings: Finding[] = template.storySentence ? checkStorySentence(item.title, parsed.other) : [];
  const missingSections: string[] = [];
  for (const section of template.sections) {
    const result = checkSection(section, item, parsed, template);
    if (result.missing) missingSections.push(section.key);
    findings.push(...result.findings);
  }
  return {
    ok: !findings.some((f) => f.severity === 'error'),
    template: template.name,
    findings,
    missingSections,
  };
}

function checkSection(
  section: Section,
  item: ItemInput,
  parsed: ParsedDescription,
  { vagueWords, sections }: ResolvedTemplate,
): { missing: boolean; findings: Finding[] } {
  const found = parsed.sections.get(section.key);
  if (section.criteria) {
    if (!found) return { missing: true, findings: [missingSection(section)] };
    const result = checkCriteria(found.items, vagueWords);
    if (result.count === 0) return { missing: true, findings: [emptySection(section, found.line)] };
    return { missing: false, findings: result.findings };
  }
  if (section.content === 'none') {
    if (found && found.items.length > 0) return { missing: false, findings: [] };
    return { missing: true, findings: [found ? emptySection(section, found.line) : missingSection(section)] };
  }
  if (found && hasSectionContent(section.content, found.items)) {
    const actual = section.content === 'expected' ? sectionOfKind('actual', parsed, sections) : undefined;
    if (actual && restates(found.items, actual.items)) {
      return { missing: false, findings: [expectedRestatesActual(section, found.line)] };
    }
    return { missing: false, findings: [] };
  }
  if (findContent(section.content, item.title, allLines(parsed))) return { missing: false, findings: [] };
  const inTitle = section.content === 'expected' && findContent('expected', '', [{ text: item.title }]);
  return { missing: true, findings: [missingSection(section, inTitle ? item.title : undefined)] };
}

function sectionOfKind(kind: Section['content'], parsed: ParsedDescription, sections: Section[]) {
  const section = sections.find((s) => s.content === kind);
  return section && parsed.sections.get(section.key);
}

/** Every non-blank line in description order: prose content may sit anywhere, even under another heading. */
function allLines(parsed: ParsedDescription): Entry[] {
  const inSections = [...parsed.sections.values()].flatMap((s) =>
    s.items.filter((e) => e.line !== undefined),
  );
  return [...parsed.other, ...inSections].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}
