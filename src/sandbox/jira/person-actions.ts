import { docToAdf } from '../../trackers/jira/adf-render.ts';
import { type AdfDoc, isAdfDoc } from '../../trackers/jira/adf-types.ts';
import { markdownToDoc } from '../../trackers/markdown-doc.ts';
import {
  createIssue,
  deleteIssue,
  editIssue,
  type IssueEdit,
  moveIssue,
  SandboxInputError,
  setSprints,
  transitionIssue,
} from './issue-changes.ts';
import { hasIssuePermission } from './permissions.ts';
import {
  addComment,
  closeSprint,
  linkIssues,
  startSprint,
  unlinkIssues,
  updateComment,
} from './social-changes.ts';
import {
  type CommentVisibility,
  findIssue,
  inAudience,
  notInAudience,
  type SandboxComment,
  type SandboxIssue,
  type SandboxSprint,
  STATUSES,
  type StatusId,
  TRANSITIONS,
} from './state.ts';
import type { JiraWorld } from './world.ts';

/** Text people type (Markdown-ish) or ready ADF. */
export type BodyInput = string | AdfDoc;

export const toAdf = (body: BodyInput): AdfDoc => (isAdfDoc(body) ? body : docToAdf(markdownToDoc(body)));

/** What a person does in Jira's UI; each change sends the webhooks Jira would. `as` is an account id. */
export interface PersonActions {
  createIssue(input: {
    as: string;
    project: string;
    summary: string;
    description?: BodyInput;
    issuetype?: string;
    labels?: string[];
    fields?: Record<string, number | string | null>;
    /** Created into a sprint (the board's inline create), which writes no Sprint-field changelog. */
    sprintId?: number;
  }): SandboxIssue;
  editIssue(
    input: { as: string; issue: string; summary?: string; description?: BodyInput } & Omit<
      IssueEdit,
      'summary' | 'description'
    >,
  ): SandboxIssue;
  /** `visibility`: "Restrict to" a group or project role in the comment box. */
  comment(input: {
    as: string;
    issue: string;
    body: BodyInput;
    visibility?: CommentVisibility;
  }): SandboxComment;
  /** `visibility`: the restriction changed in the edit box; null: lifted ("Viewable by all users"). */
  editComment(input: {
    as: string;
    issue: string;
    commentId: string;
    body: BodyInput;
    visibility?: CommentVisibility | null;
  }): SandboxComment;
  /** `resolution` as the "Resolve issue" screen sets it (Won't Do, Duplicate); Jira's default sets Done. */
  transition(input: { as: string; issue: string; to: string; resolution?: string }): SandboxIssue;
  /** "Delete" in the issue view; an issue with sub-tasks only with `deleteSubtasks` (Jira's dialog deletes them too). */
  deleteIssue(input: { as: string; issue: string; deleteSubtasks?: boolean }): void;
  /** "Move" in the issue view: to another project, under a new key there. */
  move(input: { as: string; issue: string; project: string }): SandboxIssue;
  /** `system`: a link Jira makes itself (sub-task, epic), e.g. type `jira_subtask_link`. */
  link(input: { as: string; from: string; to: string; type?: string; system?: boolean }): void;
  /** Deletes the links from `from` to `to` (either direction), as the issue view's "Remove link" does. */
  unlink(input: { as: string; from: string; to: string }): void;
  /**
   * A web link added in the issue view (a URL pasted under "Link web page"): a remote link without a globalId or
   * an application, which Jira answers as `{ id, self, object: { url, title } }`. No webhook tells of it.
   */
  webLink(input: { as: string; issue: string; url: string; title?: string }): number;
  /** Removes the issue's remote links to that URL, as the issue view's "Remove link" does; no webhook either. */
  removeWebLink(input: { as: string; issue: string; url: string }): void;
  startSprint(input: { sprintId: number; endDate?: string }): SandboxSprint;
  closeSprint(input: { as: string; sprintId: number; moveOpenTo?: number }): SandboxSprint;
  addToSprint(input: { as: string; sprintId: number; issues: string[] }): void;
  /** Moves issues back to the backlog, as "Remove from sprint" does: closed sprints stay in their history. */
  removeFromSprint(input: { as: string; issues: string[] }): void;
}

export function createPersonActions(world: JiraWorld): PersonActions {
  const { state } = world;
  const issueOf = (idOrKey: string) => {
    const issue = findIssue(state, idOrKey);
    if (!issue) throw new SandboxInputError(`Issue '${idOrKey}' does not exist`);
    return issue;
  };
  const closedSprints = (issue: SandboxIssue) =>
    issue.sprintIds.filter((id) => state.sprints.get(id)?.state === 'closed');
  const sprintOf = (id: number) => {
    const sprint = state.sprints.get(Number(id));
    if (!sprint) throw new SandboxInputError(`Sprint ${id} does not exist`);
    return sprint;
  };
  const actor = (accountId: string) => {
    if (!state.users.has(accountId))
      throw new SandboxInputError(`No account '${accountId}'; seed it under people`);
    return accountId;
  };
  return {
    createIssue: (input) =>
      createIssue(world, actor(input.as), {
        projectKey: input.project,
        summary: input.summary,
        description: input.description === undefined ? null : toAdf(input.description),
        issuetype: input.issuetype,
        labels: input.labels,
        fields: input.fields,
        sprintId: input.sprintId,
      }),
    editIssue(input) {
      const issue = issueOf(input.issue);
      editIssue(world, actor(input.as), issue, {
        ...input,
        description: input.description === undefined ? undefined : toAdf(input.description),
      });
      return issue;
    },
    comment(input) {
      const issue = issueOf(input.issue);
      // Jira's UI shows no issue the person may not browse, so they cannot comment on it either.
      if (!hasIssuePermission(state, world.botAccountId, actor(input.as), issue, 'BROWSE_PROJECTS'))
        throw new SandboxInputError(`${input.as} cannot see ${issue.key}`);
      // The comment box offers only the groups and roles the person is in.
      if (input.visibility && !inAudience(state, input.as, input.visibility))
        throw new SandboxInputError(notInAudience(input.visibility));
      return addComment(world, input.as, issue, toAdf(input.body), { visibility: input.visibility });
    },
    editComment(input) {
      const issue = issueOf(input.issue);
      const comment = state.comments.find((c) => c.issueId === issue.id && c.id === input.commentId);
      if (!comment) throw new SandboxInputError(`Comment ${input.commentId} does not exist on ${issue.key}`);
      updateComment(world, actor(input.as), comment, toAdf(input.body), input.visibility);
      return comment;
    },
    transition(input) {
      const issue = issueOf(input.issue);
      const transition = TRANSITIONS[issue.statusId as StatusId].find(
        (t) => STATUSES[t.to].name.toLowerCase() === input.to.toLowerCase(),
      );
      if (!transition) throw new SandboxInputError(`${issue.key} has no transition to '${input.to}'`);
      if (input.resolution && !state.resolutions.some((r) => r.name === input.resolution))
        throw new SandboxInputError(`No resolution '${input.resolution}'; seed it under resolutions`);
      transitionIssue(world, actor(input.as), issue, transition.id, input.resolution);
      return issue;
    },
    deleteIssue(input) {
      deleteIssue(world, actor(input.as), issueOf(input.issue), { deleteSubtasks: input.deleteSubtasks });
    },
    move(input) {
      const issue = issueOf(input.issue);
      moveIssue(world, actor(input.as), issue, input.project);
      return issue;
    },
    link(input) {
      linkIssues(
        world,
        actor(input.as),
        issueOf(input.from),
        issueOf(input.to),
        input.type ?? 'Relates',
        input.system,
      );
    },
    unlink(input) {
      const ends = new Set([issueOf(input.from).id, issueOf(input.to).id]);
      const between = state.links.filter(
        (l) => ends.has(l.fromId) && ends.has(l.toId) && l.fromId !== l.toId,
      );
      if (between.length === 0) throw new SandboxInputError(`${input.from} and ${input.to} are not linked`);
      for (const link of between) unlinkIssues(world, actor(input.as), link);
    },
    webLink(input) {
      const issue = issueOf(input.issue);
      const id = state.nextId.remote++;
      state.remoteLinks.push({
        id,
        issueId: issue.id,
        object: { url: input.url, title: input.title ?? input.url },
      });
      world.ledger.record({
        item: issue.key,
        actor: actor(input.as),
        kind: 'remotelink.set',
        value: input.url,
      });
      return id;
    },
    removeWebLink(input) {
      const issue = issueOf(input.issue);
      const before = state.remoteLinks.length;
      state.remoteLinks = state.remoteLinks.filter(
        (l) => !(l.issueId === issue.id && l.object.url === input.url),
      );
      if (state.remoteLinks.length === before)
        throw new SandboxInputError(`${input.issue} has no web link to ${input.url}`);
      world.ledger.record({
        item: issue.key,
        actor: actor(input.as),
        kind: 'remotelink.deleted',
        value: input.url,
      });
    },
    startSprint(input) {
      const sprint = sprintOf(input.sprintId);
      startSprint(world, sprint, input.endDate);
      return sprint;
    },
    closeSprint(input) {
      const sprint = sprintOf(input.sprintId);
      closeSprint(world, actor(input.as), sprint, input.moveOpenTo);
      return sprint;
    },
    addToSprint(input) {
      const target = sprintOf(input.sprintId);
      for (const key of input.issues) {
        const issue = issueOf(key);
        // An issue sits in one open sprint at a time; closed sprints stay in its Sprint field as history.
        setSprints(world, actor(input.as), issue, [
          ...closedSprints(issue).filter((id) => id !== target.id),
          target.id,
        ]);
      }
    },
    removeFromSprint(input) {
      for (const key of input.issues) {
        const issue = issueOf(key);
        setSprints(world, actor(input.as), issue, closedSprints(issue));
      }
    },
  };
}
