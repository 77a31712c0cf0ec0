import type { Match } from './link-index.ts';
import type { LinkingRules } from './rules.ts';

export interface LinkDecision {
  /** The match to link automatically, if the best one is confident enough. */
  autoLink: Match | undefined;
  /** Next best matches to offer to a human. */
  suggestions: Match[];
}

/**
 * Applies the rules to ranked matches: auto-link the top one above threshold, suggest the rest. With
 * `autoLink: false` (a person removed a link of the ticket before: the service no longer decides for them) the
 * best matches are all suggestions, the confident ones first.
 */
export function splitSuggestions(
  matches: readonly Match[],
  rules: LinkingRules,
  options: { autoLink: boolean } = { autoLink: true },
): LinkDecision {
  if (!options.autoLink) return { autoLink: undefined, suggestions: matches.slice(0, rules.suggestionCount) };
  const [top] = matches;
  const autoLink = top !== undefined && top.confidence >= rules.autoLinkThreshold ? top : undefined;
  const rest = autoLink === undefined ? matches : matches.slice(1);
  return {
    autoLink,
    suggestions: rest.filter((m) => m.confidence < rules.autoLinkThreshold).slice(0, rules.suggestionCount),
  };
}
