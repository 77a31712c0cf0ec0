import { cpus, totalmem } from 'node:os';
import { runConsoleBench } from './console.ts';
import { runIntakeBench } from './intake.ts';
import { runLinkingBench } from './linking.ts';
import { runMemoryBench } from './memory.ts';
import { runPipelineBench } from './pipeline.ts';
import { runQualityBench } from './quality.ts';
import { runRateLimitBench } from './rate-limit.ts';
import { runTextBench } from './text.ts';

/**
 * `npm run bench`: every figure in one run on this machine, loopback only, each part bounded in time.
 * `npm run bench -- intake linking` runs only the parts named.
 */
const PARTS: Record<string, () => Promise<string>> = {
  intake: runIntakeBench,
  memory: runMemoryBench,
  pipeline: runPipelineBench,
  'rate-limit': runRateLimitBench,
  linking: runLinkingBench,
  quality: runQualityBench,
  console: runConsoleBench,
  text: runTextBench,
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in PARTS));
if (unknown.length > 0) {
  process.stderr.write(
    `Unknown bench part(s): ${unknown.join(', ')}. Parts: ${Object.keys(PARTS).join(', ')}\n`,
  );
  process.exit(2);
}

const cpu = cpus();
process.stdout.write(
  `## Benchmarks\n\nMachine: ${cpu.length} × ${cpu[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, redis-server on loopback. ${new Date().toISOString().slice(0, 10)}.\n\n`,
);
for (const [name, run] of Object.entries(PARTS)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  const started = Date.now();
  process.stdout.write(`${await run()}\n\n_(${name}: ${((Date.now() - started) / 1000).toFixed(0)} s)_\n\n`);
}
