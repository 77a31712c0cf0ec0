import Type, { type Static } from 'typebox';

/** Only the fields of a Trello delivery the service reads; everything else is allowed and ignored. */
const Named = Type.Object({ id: Type.String(), name: Type.Optional(Type.String()) });

export const TrelloDeliverySchema = Type.Object({
  action: Type.Object({
    id: Type.String({ minLength: 1 }),
    idMemberCreator: Type.String(),
    type: Type.String({ minLength: 1 }),
    date: Type.String(),
    memberCreator: Type.Optional(Type.Object({ fullName: Type.Optional(Type.String()) })),
    data: Type.Object({
      card: Type.Optional(
        Type.Object({
          id: Type.String(),
          shortLink: Type.Optional(Type.String()),
          name: Type.Optional(Type.String()),
        }),
      ),
      /** `convertToCardFromCheckItem`: the card whose checklist item became `card`. */
      cardSource: Type.Optional(Type.Object({ id: Type.String(), shortLink: Type.Optional(Type.String()) })),
      board: Type.Optional(Type.Object({ id: Type.String(), shortLink: Type.Optional(Type.String()) })),
      /** `moveCardFromBoard`: the board the card went to (`board` is the one it left). */
      boardTarget: Type.Optional(Type.Object({ id: Type.String() })),
      list: Type.Optional(Named),
      listBefore: Type.Optional(Named),
      listAfter: Type.Optional(Named),
      old: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
      text: Type.Optional(Type.String()),
      action: Type.Optional(Type.Object({ id: Type.String(), text: Type.Optional(Type.String()) })),
      customField: Type.Optional(Named),
      attachment: Type.Optional(Type.Object({ url: Type.Optional(Type.String()) })),
      checklist: Type.Optional(Named),
      checkItem: Type.Optional(
        Type.Object({
          id: Type.String(),
          name: Type.Optional(Type.String()),
          state: Type.Optional(Type.String()),
        }),
      ),
    }),
  }),
});
export type TrelloDelivery = Static<typeof TrelloDeliverySchema>;
