import { DEFAULT_TEMPLATES, DEFAULT_TYPE_MAP } from './defaults.ts';
import type { AcceptanceRules, Section } from './rules.ts';

/** Everything the checker needs for one item: the effective template plus the settings that apply to it. */
export interface ResolvedTemplate {
  /** Template name; `none` when the item's type has no template (the checker then always passes). */
  name: string;
  label: string;
  gate: string[];
  vagueWords: string[];
  storySentence: boolean;
  sections: Section[];
}

export interface ResolveContext {
  type?: string;
  containerKey?: string;
  /** An override may name the container by id too (a Trello board's id rather than its shortLink). */
  containerId?: string;
}

export function resolveTemplate(rules: AcceptanceRules, context: ResolveContext): ResolvedTemplate {
  const override = rules.overrides.find(
    (o) => o.containerKey === context.containerKey || o.containerKey === context.containerId,
  );
  // Merged by name over the shipped defaults: adding a Task template must not take away the story and bug ones.
  const templates: AcceptanceRules['templates'] = {
    ...DEFAULT_TEMPLATES,
    ...rules.templates,
    ...override?.templates,
  };
  // Each layer lowered before merging: spread first, `Task` of the file and `task` of an override would both
  // survive and the later key in insertion order, not the override, would win.
  const types = {
    ...lowerKeys(DEFAULT_TYPE_MAP),
    ...lowerKeys(rules.types),
    ...lowerKeys(override?.types ?? {}),
  };
  const name =
    context.type === undefined
      ? (override?.untypedTemplate ?? rules.untypedTemplate)
      : (types[context.type.trim().toLowerCase()] ?? 'none');
  const template = name === 'none' ? undefined : templates[name];
  return {
    name: template ? name : 'none',
    label: override?.label ?? rules.label,
    gate: override?.gate ?? rules.gate,
    vagueWords: override?.vagueWords ?? rules.vagueWords,
    storySentence: template?.storySentence ?? false,
    sections: template?.sections ?? [],
  };
}

/** Whether moving an item into `statusOrList` must be refused (or reverted) because it does not pass. */
export function gateBlocks(template: ResolvedTemplate, ok: boolean, statusOrList: string): boolean {
  return !ok && template.gate.some((status) => sameStatus(status, statusOrList));
}

/** Status and list names as people type them in rules: case and surrounding blanks do not count. */
export function sameStatus(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

function lowerKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key.trim().toLowerCase(), value]));
}
