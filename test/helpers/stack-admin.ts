import { type Stack, waitFor } from '../../scripts/lib/stack.ts';

/** The admin API of a running stack, called as an operator's curl calls it (the stack is started later). */
export function stackAdmin(stack: () => Pick<Stack, 'apiUrl'>, token: string) {
  async function admin(method: string, path: string, body?: unknown) {
    const response = await fetch(`${stack().apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  }
  /**
   * Starts an action and waits for its job: the job's return value once it completed. A test with a timeout of
   * its own longer than vitest's may wait longer (`timeoutMs`).
   */
  async function runAction(name: string, body: unknown, timeoutMs?: number) {
    const started = await admin('POST', `/admin/actions/${name}`, body);
    if (started.status !== 202) throw new Error(`${name}: ${started.status} ${JSON.stringify(started.json)}`);
    const jobId = started.json.jobId as string;
    let state: unknown;
    return waitFor(
      async () => {
        const { json } = await admin('GET', `/admin/jobs/${jobId}`);
        state = json.state;
        return state === 'completed' ? (json.returnValue as Record<string, number>) : undefined;
      },
      timeoutMs,
      `job ${jobId} of the ${name} action to complete`,
    ).catch((error: Error) => {
      throw new Error(`${error.message} (last state: ${String(state)})`);
    });
  }
  return { admin, runAction };
}
