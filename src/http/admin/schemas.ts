import Type, { type TSchema } from 'typebox';
import { TrackerNameSchema } from '../../domain/events.ts';

export const ErrorSchema = Type.Object({ error: Type.String(), message: Type.String() });

/** Every admin answer may be one of these besides its own. */
export const ERROR_RESPONSES = {
  400: ErrorSchema,
  401: ErrorSchema,
  404: ErrorSchema,
  409: ErrorSchema,
  429: ErrorSchema,
  503: ErrorSchema,
};

export function responses<R extends Record<number, TSchema>>(ok: R) {
  return { ...ERROR_RESPONSES, ...ok };
}

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });

export const ItemInput = {
  tracker: TrackerNameSchema,
  item: Type.String({
    minLength: 1,
    maxLength: 500,
    description: 'Issue key (ABC-12), card shortLink or URL',
  }),
};

/** The admin API's security requirement in the OpenAPI document. */
export const SECURED = [{ bearer: [] }];
