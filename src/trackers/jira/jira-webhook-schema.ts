import Type, { type Static } from 'typebox';

/** Only the fields of a Jira Cloud delivery the service reads; deliveries carry many more, which are allowed. */
const JiraUser = Type.Object({
  accountId: Type.String(),
  displayName: Type.Optional(Type.String()),
  /** `atlassian` (a person), `app` (Automation for Jira, a Connect or Forge app) or `customer` (Service Management). */
  accountType: Type.Optional(Type.String()),
});

const JiraIssue = Type.Object({
  id: Type.String({ minLength: 1 }),
  key: Type.String({ minLength: 1 }),
  fields: Type.Optional(
    Type.Object({
      project: Type.Optional(
        Type.Object({ id: Type.String(), key: Type.String(), projectTypeKey: Type.Optional(Type.String()) }),
      ),
      issuetype: Type.Optional(Type.Object({ name: Type.String() })),
    }),
  ),
});

const NullableString = Type.Union([Type.String(), Type.Null()]);

export const JiraDeliverySchema = Type.Object({
  webhookEvent: Type.String({ minLength: 1 }),
  // Epoch milliseconds within the range a Date can hold (±8.64e15), so it always makes an ISO time.
  timestamp: Type.Optional(Type.Number({ minimum: 0, maximum: 8.64e15 })),
  issue_event_type_name: Type.Optional(Type.String()),
  user: Type.Optional(JiraUser),
  issue: Type.Optional(JiraIssue),
  changelog: Type.Optional(
    Type.Object({
      items: Type.Array(
        Type.Object({
          field: Type.String(),
          fieldId: Type.Optional(Type.String()),
          from: Type.Optional(NullableString),
          fromString: Type.Optional(NullableString),
          toString: Type.Optional(NullableString),
        }),
      ),
    }),
  ),
  comment: Type.Optional(
    Type.Object({
      id: Type.String(),
      body: Type.Unknown(),
      author: Type.Optional(JiraUser),
      updateAuthor: Type.Optional(JiraUser),
      /** `2019-01-07T16:55:51.184-0330`: when the comment was written, also in an edit's delivery. */
      created: Type.Optional(Type.String()),
      /** "Restrict to": `{ type: 'group' | 'role', value: <name>, identifier: <group id or role name> }`. */
      visibility: Type.Optional(
        Type.Object({
          type: Type.Optional(Type.String()),
          value: Type.Optional(Type.String()),
          identifier: Type.Optional(Type.String()),
        }),
      ),
    }),
  ),
  issueLink: Type.Optional(
    Type.Object({
      sourceIssueId: Type.Union([Type.String(), Type.Number()]),
      destinationIssueId: Type.Union([Type.String(), Type.Number()]),
      /** True for the links Jira makes itself: sub-task and epic links. */
      systemLink: Type.Optional(Type.Boolean()),
    }),
  ),
  sprint: Type.Optional(
    Type.Object({
      id: Type.Union([Type.String(), Type.Number()]),
      name: Type.String(),
      originBoardId: Type.Optional(Type.Union([Type.String(), Type.Number()])),
    }),
  ),
});
export type JiraDelivery = Static<typeof JiraDeliverySchema>;
