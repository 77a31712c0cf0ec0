import type { TrackerEvent } from '../domain/events.ts';

/** What a webhook parser makes of a delivery: an event, or the reason it needs no work. */
export type Normalized = { kind: 'event'; event: TrackerEvent } | { kind: 'ignored'; reason: string };

export const ignored = (reason: string): Normalized => ({ kind: 'ignored', reason });
export const normalized = (event: TrackerEvent): Normalized => ({ kind: 'event', event });
