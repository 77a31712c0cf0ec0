export { checkItem, type ItemInput } from './check.ts';
export type { Finding, Severity, Verdict } from './findings.ts';
export { appendMissingSections, renderStatusComment, renderTemplate } from './render.ts';
export {
  gateBlocks,
  type ResolveContext,
  type ResolvedTemplate,
  resolveTemplate,
  sameStatus,
} from './resolve.ts';
export {
  type AcceptanceRules,
  AcceptanceRulesSchema,
  parseAcceptanceRules,
  type Section,
  type Template,
} from './rules.ts';
export type { ChecklistInput } from './sections.ts';
