import { type Stack, waitFor } from '../../scripts/lib/stack.ts';

/**
 * Starts the sprint while the workers are down (an outage, a deploy): its `sprint_started` is delivered and waits
 * in the queue until the test starts a worker again, while the team goes on changing the sprint.
 */
export async function startSprintWhileWorkersDown(stack: Stack, sprintId: number): Promise<void> {
  await Promise.all(stack.workers.map((worker) => worker.stop()));
  stack.jira.act.startSprint({ sprintId });
  await waitFor(() =>
    stack.jira.deliveries.find(
      (d) =>
        d.event === 'sprint_started' &&
        (d.payload.sprint as { id: number }).id === sprintId &&
        d.status === 'delivered',
    ),
  );
}
