import type { Ledger } from '../ledger.ts';
import type { JiraState } from './state.ts';
import type { ViewContext } from './views.ts';
import type { WebhookSender } from './webhooks.ts';

/** Everything a change needs: the state, the clock, where the sandbox is served, the webhook outbox and the ledger. */
export interface JiraWorld {
  state: JiraState;
  now: () => Date;
  site: () => string;
  webhooks: WebhookSender;
  botAccountId: string;
  ledger: Ledger;
}

export function restView(world: JiraWorld): ViewContext {
  return { state: world.state, site: world.site(), version: 3 };
}

export function hookView(world: JiraWorld): ViewContext {
  return { state: world.state, site: world.site(), version: 2 };
}
