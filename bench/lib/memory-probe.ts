import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getHeapSpaceStatistics } from 'node:v8';

/**
 * Preloaded into a service process by the memory bench (`--expose-gc --import`), it writes the process's heap
 * figures to MEMORY_PROBE_DIR/<pid>.json when asked: on SIGWINCH as they are, on SIGURG after a full collection
 * (what the process keeps; it shrinks the heap, so the bench asks last). Both signals are ignored by default and
 * by the service (close-with-grace stops on SIGUSR2).
 */
const dir = process.env.MEMORY_PROBE_DIR;
if (dir) {
  const report = () => {
    const spaces = Object.fromEntries(
      getHeapSpaceStatistics().map((space) => [space.space_name, space.physical_space_size]),
    );
    writeFileSync(join(dir, `${process.pid}.json`), JSON.stringify({ ...process.memoryUsage(), spaces }));
  };
  process.on('SIGWINCH', report);
  process.on('SIGURG', () => {
    (globalThis as { gc?: (options?: { type: 'major' }) => void }).gc?.({ type: 'major' });
    report();
  });
}
