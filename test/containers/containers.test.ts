import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// No Docker engine runs here, so what can be checked without one is checked: the files parse, the commands
// they run exist, and the image's entry points are the README's.
const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
/** The Node flag every launcher of the service gives it (docs/operations.md: memory). */
const YOUNG_GENERATION = '--max-semi-space-size=16';

interface ComposeService {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string>;
  env_file?: string;
  deploy?: { replicas?: number; resources?: { limits?: { memory?: string } } };
  stop_grace_period?: string;
  volumes?: string[];
  ports?: string[];
}

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml')) as { services: Record<string, ComposeService> };

  it('runs Redis with AOF persistence, noeviction and expired keys freed in the background', () => {
    const command = compose.services.redis?.command?.join(' ');

    expect(command).toContain('--appendonly yes');
    expect(command).toContain('--maxmemory-policy noeviction');
    expect(command).toContain('--lazyfree-lazy-expire yes');
  });

  it('runs one API and two worker replicas from the same image and env file', () => {
    const { api, worker } = compose.services;

    expect(api?.environment?.ROLE).toBe('api');
    expect(worker?.environment?.ROLE).toBe('worker');
    expect(worker?.deploy?.replicas).toBe(2);
    expect([api?.build, worker?.build]).toEqual(['.', '.']);
    expect([api?.env_file, worker?.env_file]).toEqual(['.env', '.env']);
  });

  // Docker kills a container 10 s after SIGTERM unless stop_grace_period says otherwise: a process given
  // SHUTDOWN_GRACE_MS (25 s) to finish its requests and jobs would be killed halfway through its own shutdown.
  it('gives every service process longer to stop than the shutdown grace .env.example sets', () => {
    const grace = Number(/^SHUTDOWN_GRACE_MS=(\d+)$/m.exec(read('.env.example'))?.[1]);
    const seconds = (period = '10s') => Number(/^(\d+)s$/.exec(period)?.[1]);
    const stopsTooSoon = Object.entries(compose.services)
      .filter(([, service]) => service.build === '.' && !(seconds(service.stop_grace_period) * 1000 > grace))
      .map(([name]) => name);

    expect(grace).toBeGreaterThan(0);
    expect(stopsTooSoon).toEqual([]);
  });

  // REFINERY_CONFIG is read from .env like every variable, but the image holds no rules file: without a mount,
  // setting it stopped every process (exit 78, the file cannot be read), and an admin reload needs every process
  // to read the same edited file.
  it('mounts one rules folder, read-only, into every service process, where .env.example points REFINERY_CONFIG', () => {
    const built = Object.entries(compose.services).filter(([, service]) => service.build === '.');
    const rulesExample = /^# REFINERY_CONFIG=(\S+)$/m.exec(read('.env.example'))?.[1];

    expect(built.map(([name, service]) => [name, service.volumes])).toEqual(
      built.map(([name]) => [name, ['./rules:/app/rules:ro']]),
    );
    expect(rulesExample).toMatch(/^rules\//);
  });
});

// Measured by `npm run bench -- memory` (docs/benchmarks.md): a process's resident memory at most under load with an
// empty backlog, its heap after a full collection, and what it holds besides its old space (code, young generation,
// native memory). A backlog of 100,000 items adds about 120 MB of heap: the console's copy in the API, the link
// index in a worker.
const MEASURED_PEAK_MB = 320;
const MEASURED_KEPT_HEAP_MB = 66;
const OUTSIDE_OLD_SPACE_MB = 150;
const BACKLOG_100K_MB = 120;

describe('docker-compose.yml memory', () => {
  const compose = parse(read('docker-compose.yml')) as { services: Record<string, ComposeService> };
  const megabytes = (size = '') => {
    const [, number, unit] = /^(\d+)([MG])$/.exec(size) ?? [];
    return Number(number) * (unit === 'G' ? 1024 : 1);
  };

  // Without a limit a leak takes the host; with a limit alone V8 sizes its heap from the container's memory and
  // may let it reach the limit (the kernel kills the process) or stop far below (the console's copy of a large
  // backlog fails). A limit that leaves room for a backlog of 100,000 items, and V8 told to collect inside it.
  it('limits the API and each worker, with room for a 100,000-item backlog, and V8 collects inside the limit', () => {
    for (const name of ['api', 'worker']) {
      const service = compose.services[name];
      const limit = megabytes(service?.deploy?.resources?.limits?.memory);
      const oldSpace = Number(
        /--max-old-space-size=(\d+)/.exec(service?.environment?.NODE_OPTIONS ?? '')?.[1],
      );

      expect(limit, name).toBeGreaterThanOrEqual(MEASURED_PEAK_MB + BACKLOG_100K_MB);
      expect(oldSpace, name).toBeGreaterThanOrEqual(MEASURED_KEPT_HEAP_MB + BACKLOG_100K_MB);
      expect(oldSpace + OUTSIDE_OLD_SPACE_MB, name).toBeLessThanOrEqual(limit);
    }
  });
});

describe('docker-compose.yml with PORT changed in .env', () => {
  // Compose fills `${NAME:-default}` from the shell or .env before it reads the file, as here.
  const interpolate = (text: string, env: Record<string, string>) =>
    text.replace(/\$\{(\w+):-([^}]*)\}/g, (_all, name: string, fallback: string) => env[name] ?? fallback);

  it('publishes the port the API listens on, so the API stays reachable', () => {
    const compose = parse(interpolate(read('docker-compose.yml'), { PORT: '8080' })) as {
      services: Record<string, ComposeService>;
    };

    expect(compose.services.api?.ports).toEqual(['8080:8080']);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const jsonArgs = (instruction: string) => {
    const match = new RegExp(`^${instruction}\\s+(\\[.*\\])\\s*$`, 'm').exec(dockerfile);
    return match ? (JSON.parse(match[1]!) as string[]) : [];
  };

  it('is multi-stage on node:24-slim, installs production dependencies only, runs as non-root', () => {
    expect(dockerfile.match(/^FROM node:24-slim/gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/^USER node$/m);
  });

  // `npm start` is the launcher of a development machine: without tracker credentials it runs the sandbox demo,
  // which reads test/fixtures (not in the image), and without REDIS_URL it apt-get installs Redis (as root). A
  // container without credentials then crashed in a restart loop instead of running the role compose gave it.
  it('starts the service itself, in the role ROLE gives, never the demo launcher', () => {
    const args = jsonArgs('CMD');
    const entry = args.at(-1);

    expect([args[0], entry]).toEqual(['node', 'bin/service.ts']);
    expect(read(entry!)).toMatch(/^if \(import\.meta\.main\) await runService\(\);$/m);
  });

  // V8 grows its young generation to its largest while the service loads its modules and keeps it: by default an
  // idle API held about 60 MB of it empty, 105 MB under load (docs/benchmarks.md#memory-of-the-api-and-a-worker).
  it('runs the service with a young generation sized for it, like every other launcher', () => {
    expect(jsonArgs('CMD')).toEqual(['node', YOUNG_GENERATION, 'bin/service.ts']);
  });

  it('has a HEALTHCHECK whose script exists, and copies every folder the entry points import', () => {
    const health = JSON.parse(
      /^HEALTHCHECK[^\n]*\\\n\s*CMD\s+(\[.*\])$/m.exec(dockerfile)?.[1] ?? '[]',
    ) as string[];

    expect(existsSync(new URL(health[1]!, root))).toBe(true);
    for (const folder of ['src', 'workers', 'bin', 'scripts'])
      expect(dockerfile).toContain(`COPY --chown=node:node ${folder} ./${folder}`);
  });
});

// The scripts a developer or a process manager runs outside a container start what the image starts.
describe('npm scripts that start the service', () => {
  const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;

  // Outside a container nothing hands them .env, as compose does: they read it themselves (test/runtime/env-file.test.ts).
  const envFile = (scripts.doctor ?? '').split(' ')[1];

  it('start:api and start:worker run the service in their role, with the same young generation and .env', () => {
    expect(scripts['start:api']).toBe(`ROLE=api node ${envFile} ${YOUNG_GENERATION} bin/service.ts`);
    expect(scripts['start:worker']).toBe(`ROLE=worker node ${envFile} ${YOUNG_GENERATION} bin/service.ts`);
  });

  it('npm start, and the demo, end-to-end tests and benchmarks it shares its launcher with, give it too', () => {
    expect(scripts.start).toBe(`node ${envFile} ${YOUNG_GENERATION} scripts/start.ts`);
    expect(read('scripts/lib/service-process.ts')).toContain(`'${YOUNG_GENERATION}'`);
  });
});

// The build context goes to the builder, possibly a remote one: the operator's secrets and local state stay home.
describe('.dockerignore', () => {
  it('keeps .env, the private Redis data, node_modules and git history out of the build context', () => {
    const ignored = existsSync(new URL('.dockerignore', root))
      ? read('.dockerignore')
          .split('\n')
          .map((line) => line.trim())
      : [];

    for (const path of ['.env', '.data', 'node_modules', '.git']) expect(ignored).toContain(path);
  });
});

describe('.env.example', () => {
  it('lists every environment variable the service reads', async () => {
    const { EnvSchema } = await import('../../src/config.ts');
    // Some are there commented out, with their default: REDIS_URL set would stop `npm start` running its own Redis.
    const listed = new Set([...read('.env.example').matchAll(/^(?:# )?([A-Z_]+)=/gm)].map((m) => m[1]));

    expect(Object.keys(EnvSchema.properties).filter((name) => !listed.has(name))).toEqual([]);
  });

  // operations.md: `cp .env.example .env`, fill in, `docker compose up`. What is not filled in must stay off, not
  // run on an example's value: a published admin token, webhooks registered to an example address, or half a
  // Jira that stops every container.
  it('copied with nothing filled in, configures no tracker, no PUBLIC_URL and no admin token of its own', async () => {
    const { loadConfig } = await import('../../src/config.ts');
    const copied = Object.fromEntries(
      [...read('.env.example').matchAll(/^([A-Z_]+)=(.*)$/gm)].map(([, name, value]) => [name, value]),
    );

    const config = loadConfig(copied);

    expect([config.jira, config.trello, config.publicUrl, config.adminToken]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
