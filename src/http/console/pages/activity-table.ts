import { describeWrite } from '../../../audit/describe-write.ts';
import type { ActivityEntry } from '../../../read-model/read-model.ts';
import { type Html, html } from '../html.ts';
import { actionForm, CONSOLE_PREFIX, type PageFrame } from '../layout.ts';
import { when, withQuery } from './common.ts';

export const UNDO_PATH = `${CONSOLE_PREFIX}/undo`;
export const UNDONE_NOTICE = 'Undo queued: the item gets its previous values back once the job ran.';

/** The id of an entry's row: the fragment its Undo returns to, so the person lands where they pressed it. */
const rowAnchor = (id: string) => `audit-${id}`;

/** Audit entries with an undo button on each item's latest change (editors only); `back` is where undo returns. */
export function activityTable(frame: PageFrame, entries: readonly ActivityEntry[], back: string): Html {
  if (entries.length === 0) return html`<p class="empty">Nothing recorded.</p>`;
  const editor = frame.user.role === 'editor';
  // One button per item: the entries of its latest change are undone together.
  const offered = new Set<string>();
  return html`<div class="scroll"><table class="activity"><caption class="sr-only">Audit trail, newest first</caption>
<thead><tr><th scope="col">When</th><th scope="col">Item</th><th scope="col">Caused by</th><th scope="col">Capability</th><th scope="col">Change</th><th scope="col">State</th></tr></thead>
<tbody>${entries.map(({ entry, change, undoable }) => {
    const state = entry.undoneBy
      ? html`<span class="muted">undone</span>`
      : entry.mode === 'dry-run'
        ? html`<span class="muted">dry run</span>`
        : undoable && editor && !offered.has(`${entry.item.tracker}:${entry.item.id}`)
          ? actionForm(
              frame,
              UNDO_PATH,
              {
                tracker: entry.item.tracker,
                id: entry.item.id,
                change,
                back: `${back}#${rowAnchor(entry.id)}`,
              },
              html`<button type="submit" data-action="undo">Undo ${entry.item.key}'s last change</button>`,
            )
          : html`${undoable ? 'applied, in the last change' : 'applied'}`;
    if (undoable) offered.add(`${entry.item.tracker}:${entry.item.id}`);
    return html`<tr id="${rowAnchor(entry.id)}" data-audit-id="${entry.id}">
<td>${when(entry.at)}</td>
<td class="key"><a href="${withQuery(`${CONSOLE_PREFIX}/activity`, { tracker: entry.item.tracker, item: entry.item.key })}" title="Everything done to ${entry.item.key}">${entry.item.key}</a></td>
<td>${entry.context.actor.displayName}</td>
<td>${entry.context.capability}</td>
<td>${describeWrite(entry)}${entry.context.command ? html`<div class="command"><code>${entry.context.command}</code></div>` : ''}</td>
<td>${state}</td>
</tr>`;
  })}</tbody></table></div>`;
}
