import Type, { type Static } from 'typebox';

/** Rules-file section `linking`: how tickets are linked to backlog items. */
export const LinkingRulesSchema = Type.Object(
  {
    /** Confidence at or above which the best match is linked without asking (measured on the dev set). */
    autoLinkThreshold: Type.Number({ minimum: 0, maximum: 1, default: 0.4 }),
    /** Matches below the threshold offered as suggestions. */
    suggestionCount: Type.Integer({ minimum: 0, maximum: 10, default: 3 }),
    /** Tracker link type used for the link. */
    linkType: Type.String({ minLength: 1, default: 'Relates' }),
    /**
     * Also tell the customer of a Jira Service Management ticket, in a public comment, when the linked item is
     * resolved. Off by default: every other comment of the service is internal to agents.
     */
    notifyCustomers: Type.Boolean({ default: false }),
  },
  { default: {}, additionalProperties: false },
);
export type LinkingRules = Static<typeof LinkingRulesSchema>;

export const DEFAULT_LINKING_RULES: LinkingRules = Object.freeze({
  autoLinkThreshold: 0.4,
  suggestionCount: 3,
  linkType: 'Relates',
  notifyCustomers: false,
});
