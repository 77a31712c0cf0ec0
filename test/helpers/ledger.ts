import type { Effect, EffectKind } from '../../src/sandbox/ledger.ts';

/** What `actor` did to `item`, in order, from a sandbox's ledger: compare with the event's intended effects. */
export function effectsOn(ledger: readonly Effect[], actor: string, item: string): EffectKind[] {
  return ledger
    .filter((effect) => effect.actor === actor && effect.item === item)
    .map((effect) => effect.kind);
}

/** Every item `actor` changed, with what it did to each: `{}` when it changed nothing. */
export function effectsBy(ledger: readonly Effect[], actor: string, since = 0): Record<string, EffectKind[]> {
  const byItem: Record<string, EffectKind[]> = {};
  for (const effect of ledger) {
    if (effect.actor !== actor || effect.seq <= since) continue;
    byItem[effect.item] = [...(byItem[effect.item] ?? []), effect.kind];
  }
  return byItem;
}

/** The sequence number of the newest effect: pass it as `since` to see only what happens after this point. */
export const ledgerMark = (ledger: readonly Effect[]): number => ledger.at(-1)?.seq ?? 0;
