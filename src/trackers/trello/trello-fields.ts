import type { ItemRef } from '../../domain/events.ts';
import type { FieldWriteOutcome, SetFieldsOptions } from '../tracker.ts';
import { type BoardField, clearCardField, getBoardFields, getDetailedCard } from './trello-api.ts';
import type { TrelloDeps } from './trello-deps.ts';

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
  if (!(await deps.capabilities.board(boardId)).customFieldsPowerUp) {
    const reason = "the board's Custom Fields Power-Up is off: enable it to keep these numbers on the card";
    outcome.missing.push(...Object.keys(values).map((name) => ({ name, reason })));
    return outcome;
  }
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
      field = await createNumberField(deps, boardId, name);
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
  return outcome;
}
