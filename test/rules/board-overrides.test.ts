import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../scripts/lib/stack.ts';
import { type InProcessStack, startInProcessStack } from '../helpers/in-process-stack.ts';

/** A board named in the rules file by its id, as Trello's URLs and API show it, not by its shortLink. */
let stack: InProcessStack;
let boardId: string;
const rulesFile = join(mkdtempSync(join(tmpdir(), 'board-overrides-')), 'rules.yaml');

beforeAll(async () => {
  stack = await startInProcessStack({ REFINERY_CONFIG: rulesFile }, ({ trello }) => {
    boardId = trello.seedBoard({ name: 'Ops', lists: ['Backlog', 'Doing'] }).id;
    writeFileSync(
      rulesFile,
      `acceptance:\n  overrides:\n    - containerKey: "${boardId}"\n      label: ops-needs-ac\n`,
    );
  });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const labelsOf = (cardId: string) =>
  (stack.trello.state().cards.get(cardId)?.idLabels ?? []).map(
    (id) => stack.trello.state().labels.get(id)?.name,
  );

describe('acceptance overrides for a Trello board', () => {
  it('apply when the rules file names the board by its id', async () => {
    const response = await fetch(`${stack.sandbox.url}/_sandbox/trello/act/create-card`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ boardId, list: 'Backlog', name: 'Rotate keys', desc: '' }),
    });
    const card = (await response.json()) as { id: string };

    const labels = await waitFor(() => {
      const current = labelsOf(card.id);
      return current.some((name) => name?.includes('needs')) ? current : undefined;
    });
    expect(labels).toContain('ops-needs-ac');
    expect(labels).not.toContain('needs-acceptance-criteria');
  });
});
