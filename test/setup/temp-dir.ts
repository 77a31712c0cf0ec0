import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Every temporary file of a run (rules files, Redis data, screenshots, the processes' own) goes under one
 * directory removed at the end: tests that die mid-way or forget their own clean-up left hundreds behind.
 * Set before the test processes start, which inherit it (os.tmpdir() reads TMPDIR on each call).
 */
export default function setup(): () => void {
  const previous = process.env.TMPDIR;
  const dir = mkdtempSync(join(tmpdir(), 'refinery-tests-'));
  process.env.TMPDIR = dir;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(dir, { recursive: true, force: true });
  };
}
