/**
 * Does what a person does in Trello's UI through a running sandbox's `/_sandbox/trello/act/{action}` (a comment, a
 * card moved, a field set), so the sandbox sends the webhooks Trello would: the scripts' stacks and the tests drive
 * boards with it. A refusal (a person who may not comment there) throws with the sandbox's answer.
 */
export async function trelloAct(
  sandboxUrl: string,
  action: string,
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${sandboxUrl}/_sandbox/trello/act/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`Trello sandbox ${action}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}
