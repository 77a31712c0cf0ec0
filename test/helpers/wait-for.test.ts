import { describe, expect, it, vi } from 'vitest';
import { waitFor } from '../../scripts/lib/stack.ts';
import { common } from '../../vitest.config.ts';

/** Where a wait stands once the virtual clock has moved `ms`: its error message, or that it still waits. */
async function standingAfter<T>(wait: Promise<T>, ms: number): Promise<string> {
  const outcome = wait.then(
    () => 'resolved',
    (error: Error) => error.message,
  );
  await vi.advanceTimersByTimeAsync(ms);
  return Promise.race([outcome, Promise.resolve('still waiting')]);
}

describe('waitFor', () => {
  it('gives up before the test timeout, naming what it awaited, so a slow test fails with more than "timed out"', async () => {
    vi.useFakeTimers();
    try {
      const wait = waitFor(() => [1, 2].includes(3));
      // Just before vitest would end the test with a bare "Test timed out in 20000ms".
      const outcome = await standingAfter(wait, (common.testTimeout ?? 5_000) - 1_000);

      expect(outcome).toMatch(/^Timed out after \d+ ms waiting for \(\) => \[1, 2\]\.includes\(3\)$/);
    } finally {
      vi.useRealTimers();
    }
  });

  it('waits as long as it is told where a test sets a longer timeout of its own', async () => {
    vi.useFakeTimers();
    try {
      let ready = false;
      const wait = waitFor(() => ready, 30_000);
      expect(await standingAfter(wait, 25_000)).toBe('still waiting');
      ready = true;
      expect(await standingAfter(wait, 100)).toBe('resolved');
    } finally {
      vi.useRealTimers();
    }
  });
});
