import { RulesFileError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { loadRulesFile, type RulesResult } from '../rules/load-rules.ts';
import type { Rules } from '../rules/rules-schema.ts';

export interface RulesStore {
  current(): Rules;
  /** Re-reads the rules file; invalid rules are refused and the old ones kept. */
  reload(): Promise<RulesResult>;
  /** Called after each reload that took new rules (a worker re-registers its summary schedules). */
  onReload(listener: (rules: Rules) => Promise<void>): void;
}

export async function createRulesStore(path: string | undefined, log: Logger): Promise<RulesStore> {
  const first = await loadRulesFile(path);
  if (!first.ok) throw new RulesFileError(path, first.problems);
  let rules = first.rules;
  const listeners: ((rules: Rules) => Promise<void>)[] = [];
  return {
    current: () => rules,
    async reload() {
      const result = await loadRulesFile(path);
      if (result.ok) rules = result.rules;
      log.info({ path, ok: result.ok }, 'Rules reloaded');
      if (result.ok) for (const listener of listeners) await listener(result.rules);
      return result;
    },
    onReload(listener) {
      listeners.push(listener);
    },
  };
}
