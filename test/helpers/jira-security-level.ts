import { expect } from 'vitest';
import { waitUntilIdle } from '../../scripts/lib/stack.ts';
import type { InProcessStack } from './in-process-stack.ts';

/**
 * The person with `email` sets an issue's security level (its id, as Jira names it) or removes it (null) through
 * Jira's API, as an edit does; waits until the service has followed the change.
 */
export async function setSecurityLevel(
  stack: InProcessStack,
  email: string,
  key: string,
  security: { id: string } | null,
) {
  const response = await fetch(`${stack.env.JIRA_BASE_URL}/rest/api/3/issue/${key}`, {
    method: 'PUT',
    headers: {
      authorization: `Basic ${Buffer.from(`${email}:token`).toString('base64')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ fields: { security } }),
  });
  expect(response.status).toBe(204);
  await waitUntilIdle(stack, { delayed: false });
}
