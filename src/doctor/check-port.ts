import { listenProblem } from '../errors.ts';
import { listenAddress } from '../runtime/address.ts';
import { type Check, fail, pass } from './checklist.ts';

/** What listening on the API's address met: nothing, this service already there, or why it could not. */
export type PortFacts = 'free' | 'ours' | { code: string; message: string };

/** Whether the API can take HOST:PORT, with the start-up message's own words and fix when it cannot. */
export function checkPort(facts: PortFacts, host: string, port: number): Check {
  const address = listenAddress(host, port);
  if (facts === 'free') return pass('port', `The API can listen on ${address}`);
  if (facts === 'ours') return pass('port', `The service answers on ${address}`);
  const why = listenProblem(facts.code, port);
  if (!why)
    return fail(
      'port',
      `Cannot listen on ${address}: ${facts.message}`,
      'Set PORT (and HOST) to an address this machine lets the service listen on',
    );
  const whose = facts.code === 'EADDRINUSE' ? ', not this service' : '';
  return fail('port', `Cannot listen on ${address}: ${why.problem}${whose}`, why.fix);
}
