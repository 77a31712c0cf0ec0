import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect, it } from 'vitest';

it("puts what tests create in temp directories under the run's own directory, removed at its end", () => {
  const made = mkdtempSync(join(tmpdir(), 'probe-'));
  expect(dirname(made)).toMatch(/\/refinery-tests-[^/]+$/);
});
