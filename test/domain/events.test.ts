import { describe, expect, it } from 'vitest';
import {
  ActorSchema,
  ItemRefSchema,
  type TrackerEvent,
  TrackerEventSchema,
  TrackerNameSchema,
} from '../../src/domain/events.ts';
import { validate } from '../../src/schema/validate.ts';

const actor = { id: '5b10ac8d82e05b22cc7d4ef5', displayName: 'Ada' };
const item = { tracker: 'jira', id: '10042', key: 'APP-42' } as const;
const base = {
  deliveryId: '7f3c1f0e-1d2b-4c55-9a0f-2b9a6f0b1c11',
  tracker: 'jira',
  actor,
  occurredAt: '2025-03-01T09:00:00.000Z',
} as const;
const onItem = { ...base, item, container: { id: '10000', key: 'APP', projectType: 'software' } };
const card = { tracker: 'trello', id: '65f1c0de8a1b2c3d4e5f6a7b', key: 'aB3dE5fG' } as const;

const events: TrackerEvent[] = [
  { ...onItem, kind: 'item.created', issueType: 'Story' },
  { ...onItem, kind: 'item.updated', changes: [{ field: 'status', from: 'To Do', to: null }] },
  { ...onItem, kind: 'item.deleted' },
  { ...onItem, kind: 'comment.created', comment: { id: '20001', text: '/score' } },
  { ...onItem, kind: 'comment.updated', comment: { id: '20001', text: '/score impact=4' } },
  { ...onItem, kind: 'link.created', target: { ...item, id: '10043', key: 'APP-43' } },
  { ...onItem, kind: 'link.deleted', target: { ...item, id: '10043', key: 'APP-43' } },
  { ...base, kind: 'sprint.started', sprint: { id: '12', name: 'Sprint 14', boardId: '3' } },
  { ...base, kind: 'sprint.closed', sprint: { id: '12', name: 'Sprint 14', boardId: '3' } },
  {
    ...onItem,
    tracker: 'trello',
    item: card,
    container: { id: '65f1c0de8a1b2c3d4e5f0000', key: 'Qw3rTy12', listId: 'l1', listName: 'Doing' },
    kind: 'item.updated',
    changes: [{ field: 'list', from: 'To Do', to: 'Doing' }],
  },
];

describe('the tracker-agnostic event that every job carries', () => {
  it.each(events.map((event) => [event.kind, event]))('a %s event is valid', (_kind, event) => {
    expect(validate(TrackerEventSchema, event)).toEqual({ ok: true, value: event });
  });

  it.each([
    ['an unknown kind', { ...onItem, kind: 'item.moved' }],
    ['an empty delivery id', { ...onItem, kind: 'item.deleted', deliveryId: '' }],
    ['another tracker', { ...onItem, kind: 'item.deleted', tracker: 'github' }],
    [
      'a change without "to"',
      { ...onItem, kind: 'item.updated', changes: [{ field: 'status', from: null }] },
    ],
    ['a comment without text', { ...onItem, kind: 'comment.created', comment: { id: '1' } }],
    ['a link without a target', { ...onItem, kind: 'link.created' }],
    ['a sprint without a board', { ...base, kind: 'sprint.closed', sprint: { id: '12', name: 'Sprint 14' } }],
    ['an item event without its item', { ...base, kind: 'item.created' }],
    ['a container without a key', { ...onItem, kind: 'item.deleted', container: { id: '10000' } }],
  ])('%s is refused', (_label, event) => {
    expect(validate(TrackerEventSchema, event).ok).toBe(false);
  });
});

describe('the parts the admin API and the audit log validate', () => {
  it('a tracker is jira or trello', () => {
    expect(validate(TrackerNameSchema, 'jira').ok).toBe(true);
    expect(validate(TrackerNameSchema, 'trello').ok).toBe(true);
    expect(validate(TrackerNameSchema, 'github', { label: () => 'tracker' })).toEqual({
      ok: false,
      problems: ['tracker must be one of jira, trello'],
    });
  });

  it('an item needs its id and the key people type', () => {
    expect(validate(ItemRefSchema, item).ok).toBe(true);
    expect(validate(ItemRefSchema, card).ok).toBe(true);
    expect(validate(ItemRefSchema, { ...item, id: '' }).ok).toBe(false);
    expect(validate(ItemRefSchema, { ...item, key: '' }).ok).toBe(false);
    expect(validate(ItemRefSchema, { tracker: 'jira', id: '10042' }).ok).toBe(false);
  });

  it('an actor needs an id and a display name', () => {
    expect(validate(ActorSchema, actor).ok).toBe(true);
    expect(validate(ActorSchema, { id: 'admin' }).ok).toBe(false);
    expect(validate(ActorSchema, { displayName: 'Admin API' }).ok).toBe(false);
  });
});
