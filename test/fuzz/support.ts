import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
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

/** Short strings, lone surrogates and control characters included. */
export const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ maxLength: 12 }));

/** Any JSON value of a wrong type for whatever field it lands in. */
export const loose = fc.oneof(
  text,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 3 }),
);
