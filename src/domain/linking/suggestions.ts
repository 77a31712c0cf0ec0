import type { Match } from './link-index.ts';
import type { LinkingRules } from './rules.ts';

export interface LinkDecision {
  /** The match to link automatically, if the best one is confident enough. */
  autoLink: Match | undefined;
  /** Next best matches to offer to a human. */
  suggestions: Match[];
}

/** Applies the rules to ranked matches: auto-link the top one above threshold, suggest the rest. */
export function splitSuggestions(matches: readonly Match[], rules: LinkingRules): LinkDecision {
  const [top] = matches;
  const autoLink = top !== undefined && top.confidence >= rules.autoLinkThreshold ? top : undefined;
  const rest = autoLink === undefined ? matches : matches.slice(1);
  return {
    autoLink,
    suggestions: rest.filter((m) => m.confidence < rules.autoLinkThreshold).slice(0, rules.suggestionCount),
  };
}
