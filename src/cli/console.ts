import { parseArgs } from 'node:util';
import { createRedisUserStore, type Role, USER_NAME, type UserStore } from '../console/users.ts';
import { connectProbeRedis, redisAddress } from '../queue/connection.ts';
import { loadConfigOrStop } from '../runtime/setup-error.ts';

/**
 * `npm run console -- add-user NAME --role viewer|editor | remove-user NAME | list-users`: the people who may
 * sign in to /console. Reads REDIS_URL and QUEUE_PREFIX like the service.
 */
const USAGE = `usage: npm run console -- add-user NAME --role viewer|editor
       npm run console -- remove-user NAME
       npm run console -- list-users`;

export class UsageError extends Error {}

/** Runs one command; the lines it returns are the output (add-user: the token is the last line). */
export async function runConsoleCommand(argv: string[], users: UserStore): Promise<string[]> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { role: { type: 'string' } },
  });
  const [command, name, ...rest] = positionals;
  if (rest.length > 0) throw new UsageError(`unexpected arguments: ${rest.join(' ')}`);
  const needName = (): string => {
    if (!name || !USER_NAME.test(name))
      throw new UsageError(
        'NAME must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit',
      );
    return name;
  };
  switch (command) {
    case 'add-user': {
      const person = needName();
      const role = values.role;
      if (role !== 'viewer' && role !== 'editor') throw new UsageError('--role must be viewer or editor');
      const { user, token } = await users.add(person, role satisfies Role);
      return [
        `Added ${user.name} (${user.role}). Their sign-in token is shown only this once; an add-user of the same name replaces it:`,
        token,
      ];
    }
    case 'remove-user': {
      const removed = await users.remove(needName());
      return [removed ? `Removed ${name}; their sessions end now.` : `Nobody called ${name}.`];
    }
    case 'list-users': {
      if (name) throw new UsageError('list-users takes no NAME');
      const all = await users.list();
      if (all.length === 0) return ['Nobody yet: the console is off until someone is added.'];
      return all.map((user) => `${user.name}\t${user.role}\tadded ${user.addedAt}`);
    }
    default:
      throw new UsageError(command ? `unknown command ${command}` : 'a command is needed');
  }
}

if (import.meta.main) {
  const config = loadConfigOrStop();
  const redis = await connectProbeRedis(config.redisUrl, { cluster: config.redisCluster }).catch(
    (error: Error) => {
      process.stderr.write(
        `Redis at ${redisAddress(config.redisUrl)} cannot be reached (${error.message}): start it, or run the command with the service's REDIS_URL and QUEUE_PREFIX\n`,
      );
      process.exit(1);
    },
  );
  try {
    const lines = await runConsoleCommand(
      process.argv.slice(2),
      createRedisUserStore(redis, config.queuePrefix),
    );
    process.stdout.write(`${lines.join('\n')}\n`);
  } catch (error) {
    const usage =
      error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`${(error as Error).message}\n${usage ? `${USAGE}\n` : ''}`);
    process.exitCode = usage ? 2 : 1;
  } finally {
    redis.disconnect();
  }
}
