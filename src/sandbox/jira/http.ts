import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxFault } from '../sandbox-part.ts';
import { SandboxInputError } from './issue-changes.ts';
import type { JiraState } from './state.ts';

/** Jira's error body: `{ errorMessages: [...], errors: { field: message } }`. */
export function jiraError(
  reply: FastifyReply,
  status: number,
  messages: string[],
  errors: Record<string, string> = {},
) {
  return reply.code(status).send({ errorMessages: messages, errors });
}

export function issueNotFound(reply: FastifyReply) {
  return jiraError(reply, 404, ['Issue does not exist or you do not have permission to see it.']);
}

/** Basic auth decides the actor: the bot's email or a seeded person's; anything else is a 401 like Jira's. */
export function actorOf(state: JiraState, request: FastifyRequest): string | undefined {
  const header = request.headers.authorization ?? '';
  if (!header.startsWith('Basic ')) return undefined;
  const [email, token] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
  if (!email || !token) return undefined;
  return [...state.users.values()].find((user) => user.email === email)?.accountId;
}

/** Runs a change; bad input becomes Jira's 400 instead of a 500. */
export function guarded<T>(reply: FastifyReply, run: () => T): T | FastifyReply {
  try {
    return run();
  } catch (error) {
    if (error instanceof SandboxInputError) return jiraError(reply, 400, [error.message]);
    throw error;
  }
}

export function takeFault(faults: SandboxFault[], method: string, path: string): SandboxFault | undefined {
  const index = faults.findIndex(
    (fault) => path.startsWith(fault.pathPrefix) && (!fault.method || fault.method.toUpperCase() === method),
  );
  const fault = faults[index];
  if (!fault) return undefined;
  if (fault.skip) {
    fault.skip -= 1;
    return undefined;
  }
  fault.count -= 1;
  if (fault.count <= 0) faults.splice(index, 1);
  return fault;
}

export function queryList(value: unknown): string[] {
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values
    .flatMap((v) => String(v).split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}
