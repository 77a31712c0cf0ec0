import { type Stack, waitFor } from '../../scripts/lib/stack.ts';

/** The admin API of a running stack, called as an operator's curl calls it (the stack is started later). */
export function stackAdmin(stack: () => Stack, token: string) {
  async function admin(method: string, path: string, body?: unknown) {
    const response = await fetch(`${stack().apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  }
  /** Starts an action and waits for its job: the job's return value once it completed. */
  async function runAction(name: string, body: unknown) {
    const started = await admin('POST', `/admin/actions/${name}`, body);
    if (started.status !== 202) throw new Error(`${name}: ${started.status} ${JSON.stringify(started.json)}`);
    return waitFor(async () => {
      const { json } = await admin('GET', `/admin/jobs/${started.json.jobId as string}`);
      return json.state === 'completed' ? (json.returnValue as Record<string, number>) : undefined;
    }, 30_000);
  }
  return { admin, runAction };
}
