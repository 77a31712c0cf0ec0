import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { LightMyRequestResponse } from 'fastify';

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/** Heap in use after a full collection, so two measurements differ only by what is really retained. */
export function heapAfterGc(): number {
  collect();
  collect();
  return process.memoryUsage().heapUsed;
}

/** An answer within `ms`, or a failure naming the request that hung. */
export async function within(
  ms: number,
  request: Promise<LightMyRequestResponse>,
  what: string,
): Promise<LightMyRequestResponse> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([request, hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** A bounded fast-check run: as many cases as fit in the time, never fewer than a floor the test checks. */
export const BOUNDED = { interruptAfterTimeLimit: 5_000, markInterruptAsFailure: false } as const;

export const MiB = 1 << 20;
