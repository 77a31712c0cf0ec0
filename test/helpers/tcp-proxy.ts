import { connect, createServer, type Socket } from 'node:net';

export interface TcpProxyOptions {
  targetPort: number;
  /** Each chunk is held this long in each direction, so a round trip is twice as slow. */
  delayMs: number;
}

export interface FlakeOptions {
  /** Every Nth new connection is reset `resetAfterMs` after it opened. */
  resetEvery: number;
  resetAfterMs: number;
  /** Every live connection is reset this often. */
  dropEveryMs: number;
}

export interface TcpProxy {
  url: string;
  /** Connections accepted and connections this proxy reset (RST), since it started. */
  stats: { connections: number; resets: number };
  flake(options: FlakeOptions): void;
  steady(): void;
  /** The link hangs: nothing passes either way, connections stay open, until `flow()` sends what waited. */
  hang(): void;
  /** The link hangs as with `hang()` from the first chunk that carries `text` (that chunk held too). */
  hangOn(text: string): void;
  flow(): void;
  close(): Promise<void>;
}

/** Holds what would cross a hung link, in order. */
interface Valve {
  hung: boolean;
  hangOn?: string;
  waiting: (() => void)[];
}

/** Forwards in order: timers of one duration fire in the order they were set. */
function forward(from: Socket, to: Socket, delayMs: number, valve: Valve): void {
  const pass = (send: () => void) => (valve.hung ? valve.waiting.push(send) : setTimeout(send, delayMs));
  from.on('data', (chunk: Buffer) => {
    if (valve.hangOn && chunk.includes(valve.hangOn)) {
      valve.hung = true;
      valve.hangOn = undefined;
    }
    pass(() => to.writable && to.write(chunk));
  });
  from.on('end', () => pass(() => to.end()));
}

/** A loopback TCP proxy to Redis that adds latency and, while flaking, resets connections (Toxiproxy-like). */
export function startTcpProxy(options: TcpProxyOptions): Promise<TcpProxy> {
  const stats = { connections: 0, resets: 0 };
  const valve: Valve = { hung: false, waiting: [] };
  const live = new Set<[Socket, Socket]>();
  let flaking: FlakeOptions | undefined;
  let dropper: NodeJS.Timeout | undefined;
  const reset = (pair: [Socket, Socket]) => {
    if (!live.delete(pair)) return;
    stats.resets += 1;
    for (const socket of pair) socket.resetAndDestroy();
  };
  const server = createServer((client) => {
    const upstream = connect(options.targetPort, '127.0.0.1');
    const pair: [Socket, Socket] = [client, upstream];
    live.add(pair);
    stats.connections += 1;
    const close = () => {
      live.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of pair) socket.on('error', close).on('close', close);
    forward(client, upstream, options.delayMs, valve);
    forward(upstream, client, options.delayMs, valve);
    if (flaking && stats.connections % flaking.resetEvery === 0)
      setTimeout(() => reset(pair), flaking.resetAfterMs).unref();
  });
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (typeof address !== 'object' || !address) return reject(new Error('proxy has no port'));
      resolve({
        url: `redis://127.0.0.1:${address.port}`,
        stats,
        flake(flake) {
          flaking = flake;
          dropper = setInterval(() => {
            for (const pair of [...live]) reset(pair);
          }, flake.dropEveryMs);
        },
        steady() {
          flaking = undefined;
          clearInterval(dropper);
        },
        hang() {
          valve.hung = true;
        },
        hangOn(text) {
          valve.hangOn = text;
        },
        flow() {
          valve.hung = false;
          for (const send of valve.waiting.splice(0)) send();
        },
        close: () =>
          new Promise((done) => {
            clearInterval(dropper);
            for (const pair of live) for (const socket of pair) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
