/**
 * `npm run admin -- <command>`: manage agents in the database named by CHAT_DB.
 *
 *   add-agent <username> [--full-name "Name"]   password from CHAT_PASSWORD, or asked for
 *   set-password <username>                     the same; ends every sign-in the agent had
 *   remove-agent <username>                     ends every sign-in; chats under way go back to the queue
 *   create-token <username>                     prints a new Bearer token as the last line
 *   list-tokens <username>                      when each was made and last used, never the token
 *   revoke-tokens <username>                    takes back every Bearer token of the agent
 *   list-agents
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { ChatError } from './chat/errors.ts';
import { OPERATOR_ACTOR } from './chat/agents.ts';
import { inProcessBus, sharedBus } from './chat/events.ts';
import { createChat } from './chat/index.ts';
import type { AuditLine } from './chat/sign-in.ts';
import { configFromEnv, ConfigError } from './config.ts';
import { render } from './http/i18n.ts';
import { MigrationError } from './store/migrations.ts';
import { openStore } from './store/open.ts';
import { StoreBusyError } from './store/types.ts';

/** A problem the operator can fix, said in their words. */
class AdminError extends Error {}

const usage = `Usage:
  npm run admin -- add-agent <username> [--full-name "Full Name"]
  npm run admin -- set-password <username>
  npm run admin -- remove-agent <username>
  npm run admin -- create-token <username>
  npm run admin -- list-tokens <username>
  npm run admin -- revoke-tokens <username>
  npm run admin -- list-agents

add-agent and set-password read the password from CHAT_PASSWORD, or ask for it.
set-password, remove-agent and revoke-tokens end the agent's credentials at once,
in every server on the database.`;

/** The record of what the command changed goes to standard error: standard output is for what it prints. */
const auditToStderr = (line: AuditLine) => void process.stderr.write(`${JSON.stringify(line)}\n`);

const when = (millis: number | null) => (millis === null ? 'never' : new Date(millis).toISOString().replace('T', ' ').slice(0, 16) + ' UTC');

/** Asks for a password on the terminal without echoing it. */
function askPassword(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) {
    return Promise.reject(new AdminError('No terminal to ask for the password: set CHAT_PASSWORD.'));
  }
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    const output = rl as unknown as { _writeToOutput: (text: string) => void };
    let asked = false;
    output._writeToOutput = (text: string) => {
      if (!asked) process.stdout.write(text);
    };
    rl.question(prompt, (answer) => {
      rl.close();
      process.stdout.write('\n');
      resolve(answer);
    });
    asked = true;
  });
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { 'full-name': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command, userName, ...extra] = positionals;
  if (values.help || !command || extra.length > 0) {
    console.log(usage);
    return values.help ? 0 : 2;
  }
  const config = configFromEnv();
  const { store, channel, mailbox } = await openStore(config.database);
  // The running servers hear of what the command changes: on PostgreSQL as they hear one
  // another, on a SQLite file by its mailbox.
  const outward = channel ?? mailbox;
  const bus = outward ? sharedBus(outward) : inProcessBus();
  const { agents } = createChat({ store, bus, audit: auditToStderr });
  try {
    switch (command) {
      case 'add-agent': {
        if (!userName) break;
        const password = process.env.CHAT_PASSWORD ?? (await askPassword(`Password for ${userName}: `));
        const agent = await agents.add({ userName, password, fullName: values['full-name'] ?? '' });
        console.log(`Added agent ${agent.userName} (AssociateId ${agent.id}).`);
        return 0;
      }
      case 'create-token': {
        if (!userName) break;
        const agent = await agents.find(userName);
        console.log(`A new Bearer token for ${agent.userName}. It is shown once; keep it secret:`);
        console.log(await agents.createToken(agent));
        return 0;
      }
      case 'set-password': {
        if (!userName) break;
        const agent = await agents.find(userName);
        const password = process.env.CHAT_PASSWORD ?? (await askPassword(`New password for ${agent.userName}: `));
        await agents.setPassword(OPERATOR_ACTOR, agent.id, password);
        console.log(`Set a new password for ${agent.userName}. Every sign-in, ticket and token they had has ended.`);
        return 0;
      }
      case 'remove-agent': {
        if (!userName) break;
        const agent = await agents.find(userName);
        await agents.remove(OPERATOR_ACTOR, agent.id);
        console.log(`Removed agent ${agent.userName}. Every sign-in, ticket and token they had has ended; their chats under way are back in the queue.`);
        return 0;
      }
      case 'list-tokens': {
        if (!userName) break;
        const agent = await agents.find(userName);
        const tokens = await agents.tokens(OPERATOR_ACTOR, agent.id);
        if (tokens.length === 0) console.log(`${agent.userName} has no Bearer tokens.`);
        for (const token of tokens) console.log(`made ${when(token.createdAt)}\tlast used ${when(token.lastUsedAt)}`);
        return 0;
      }
      case 'revoke-tokens': {
        if (!userName) break;
        const agent = await agents.find(userName);
        const count = await agents.revokeTokens(OPERATOR_ACTOR, agent.id);
        console.log(`Revoked ${count} Bearer token${count === 1 ? '' : 's'} of ${agent.userName}.`);
        return 0;
      }
      case 'list-agents':
        for (const agent of await agents.all()) {
          console.log(`${agent.id}\t${agent.userName}\t${agent.fullName}${agent.deleted ? '\t(removed)' : ''}`);
        }
        return 0;
    }
    console.error(usage);
    return 2;
  } finally {
    // The change's events go out before the channel closes (the servers resync on their own
    // when they find the database again, should it be gone now).
    await Promise.race([bus.drain(), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
    await Promise.all([store.close(), outward?.close()]);
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof ChatError) {
    console.error(`chatline admin: ${render(error.text)}`);
    process.exitCode = 1;
  } else if (error instanceof StoreBusyError) {
    console.error(`chatline admin: cannot reach the database: ${(error.cause as Error)?.message ?? error.message}`);
    process.exitCode = 1;
  } else if (error instanceof AdminError || error instanceof ConfigError || error instanceof MigrationError) {
    console.error(`chatline admin: ${error.message}`);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
