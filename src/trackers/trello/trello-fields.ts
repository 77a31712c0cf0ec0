import type { ItemRef } from '../../domain/events.ts';
import type { FieldWriteOutcome, SetFieldsOptions } from '../tracker.ts';
import {
  type BoardField,
  clearCardField,
  type DetailedCard,
  getBoardFields,
  getDetailedCard,
} from './trello-api.ts';
import { createOnce, type TrelloDeps } from './trello-deps.ts';
import { TrelloHttpError } from './trello-errors.ts';

function sameName(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

export async function createNumberField(
  deps: TrelloDeps,
  boardId: string,
  name: string,
): Promise<BoardField> {
  const created = await deps.api.customFields.createCustomField({
    idModel: boardId,
    modelType: 'board',
    name,
    type: 'number',
    pos: 'bottom',
    display_cardFront: true,
  });
  deps.boardCache.forget(boardId);
  return { id: created.id, name, type: 'number', options: [] };
}

const POWER_UP_OFF = "the board's Custom Fields Power-Up is off: enable it to keep these numbers on the card";

/** A 403 to a field write on a board whose Power-Up was on: a member may have turned it off since. */
async function powerUpTurnedOff(deps: TrelloDeps, boardId: string, error: unknown): Promise<boolean> {
  if (!(error instanceof TrelloHttpError) || error.status !== 403) return false;
  deps.capabilities.forget(boardId);
  return !(await deps.capabilities.board(boardId)).customFieldsPowerUp;
}

/** Writes Number custom fields by name; values travel as strings, as Trello stores them. */
export async function setNumberFields(
  deps: TrelloDeps,
  ref: ItemRef,
  values: Record<string, number | null>,
  options: SetFieldsOptions,
): Promise<FieldWriteOutcome> {
  const detail = await getDetailedCard(deps.client, ref.id);
  const boardId = detail.card.idBoard ?? '';
  const outcome: FieldWriteOutcome = { written: [], unchanged: [], missing: [] };
  const powerUpOff = () => {
    const settled = new Set([
      ...outcome.written,
      ...outcome.unchanged,
      ...outcome.missing.map((m) => m.name),
    ]);
    const left = Object.keys(values).filter((name) => !settled.has(name));
    outcome.missing.push(...left.map((name) => ({ name, reason: POWER_UP_OFF })));
    return outcome;
  };
  if (!(await deps.capabilities.board(boardId)).customFieldsPowerUp) return powerUpOff();
  try {
    await writeFields(deps, detail, boardId, values, options, outcome);
  } catch (error) {
    if (!(await powerUpTurnedOff(deps, boardId, error))) throw error;
    return powerUpOff();
  }
  return outcome;
}

async function writeFields(
  deps: TrelloDeps,
  detail: DetailedCard,
  boardId: string,
  values: Record<string, number | null>,
  options: SetFieldsOptions,
  outcome: FieldWriteOutcome,
): Promise<void> {
  const fields = await getBoardFields(deps.client, boardId);
  for (const [name, value] of Object.entries(values)) {
    let field = fields.find((candidate) => sameName(candidate.name, name));
    if (value !== null && !Number.isFinite(value)) {
      outcome.missing.push({ name, reason: 'value is not a finite number' });
      continue;
    }
    if (!field && !options.createMissing) {
      outcome.missing.push({ name, reason: 'no custom field with this name on the board' });
      continue;
    }
    if (field && field.type !== 'number') {
      outcome.missing.push({ name, reason: `custom field is of type ${field.type}, not number` });
      continue;
    }
    const currentText = field
      ? detail.fieldItems.find((item) => item.idCustomField === field?.id)?.value.number
      : undefined;
    const current = currentText === undefined ? null : Number(currentText);
    if (current === value) {
      outcome.unchanged.push(name);
      continue;
    }
    if (!field) {
      field = await createOnce(
        deps,
        boardId,
        `field:${name}`,
        async () => (await getBoardFields(deps.client, boardId)).find((found) => sameName(found.name, name)),
        () => createNumberField(deps, boardId, name),
      );
      fields.push(field);
    }
    if (value === null) await clearCardField(deps.client, detail.card.id, field.id);
    else {
      await deps.api.cards.updateCardCustomFieldItem({
        idCard: detail.card.id,
        idCustomField: field.id,
        body: { value: { number: String(value) } },
      });
    }
    outcome.written.push(name);
  }
}
