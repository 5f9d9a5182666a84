import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import {
  AccountError,
  addUser,
  createToken,
  endSessionsOf,
  listTokens,
  listUsers,
  parseGroups,
  parseRole,
  removeUser,
  revokeToken,
  setLogGroups,
  updateUser,
} from '../store/accounts.ts';
import { audit, commandLineActor } from '../store/audit.ts';
import { openStore, type Store } from '../store/db.ts';
import { deleteLog, logAccess } from '../store/logs.ts';
import { UnknownLogError } from '../mining/errors.ts';
import { formatTable as table } from './table.ts';

interface Context {
  dbPath: string;
  json: boolean;
  role?: string;
  groups?: string;
  label?: string;
  passwordStdin: boolean;
  usage: (message: string) => Error;
}

/**
 * `waybill users add|list|remove|set-role|set-groups|set-password|sign-out`. The
 * command line acts as whoever may open the database file: it needs no sign-in,
 * and its changes are audited as the system user.
 */
export async function usersCommand(args: readonly string[], context: Context): Promise<void> {
  const [action, name, ...rest] = args;
  const store = await openStore(context.dbPath);
  const actor = commandLineActor();
  const needName = () => {
    if (name === undefined) throw context.usage(`users ${action} needs a user NAME`);
    return name;
  };
  const noMore = (allowed = 0) => {
    if (rest.length > allowed) throw context.usage(`users ${action}: unexpected argument ${JSON.stringify(rest[allowed])}`);
  };
  try {
    switch (action) {
      case 'list': {
        if (name !== undefined) throw context.usage(`users list: unexpected argument ${JSON.stringify(name)}`);
        const users = await listUsers(store);
        if (context.json) console.log(JSON.stringify({ users }));
        else {
          console.log(
            table(
              ['user', 'role', 'groups', 'signs in with', 'added'],
              users.map((u) => [u.name, u.role, u.groups.join(', ') || '–', u.source === 'oidc' ? 'single sign-on' : u.hasPassword ? 'password' : 'start-up link', u.createdAt.slice(0, 10)]),
            ),
          );
        }
        return;
      }
      case 'add': {
        noMore();
        const role = parseRole(context.role ?? 'viewer');
        const password = await readPassword(context.passwordStdin, `Password for ${needName()}: `);
        const user = await addUser(store, { name: needName(), role, groups: parseGroups(context.groups), password });
        await audit(store, actor, 'user added', null, `${user.name}: ${user.role}${user.groups.length > 0 ? `, groups ${user.groups.join(', ')}` : ''}`);
        console.log(`Added ${user.name} (${user.role}${user.groups.length > 0 ? `; groups ${user.groups.join(', ')}` : ''}).`);
        return;
      }
      case 'remove': {
        noMore();
        await removeUser(store, needName());
        await audit(store, actor, 'user removed', null, needName());
        console.log(`Removed ${needName()}, their sessions and their tokens.`);
        return;
      }
      case 'set-role': {
        noMore(1);
        const role = parseRole(rest[0] ?? context.role);
        const user = await updateUser(store, needName(), { role });
        await audit(store, actor, 'user changed', null, `${user.name}: role ${role}`);
        console.log(`${user.name} is now ${role}.`);
        return;
      }
      case 'set-groups': {
        noMore(1);
        const groups = parseGroups(rest[0] ?? context.groups ?? '');
        const user = await updateUser(store, needName(), { groups });
        await audit(store, actor, 'user changed', null, `${user.name}: groups ${groups.join(', ') || 'none'}`);
        console.log(`${user.name} is in ${groups.length > 0 ? groups.join(', ') : 'no group'}.`);
        return;
      }
      case 'set-password': {
        noMore();
        const password = await readPassword(context.passwordStdin, `New password for ${needName()}: `);
        await updateUser(store, needName(), { password });
        await audit(store, actor, 'user changed', null, `${needName()}: password changed`);
        console.log(`Changed ${needName()}'s password; their sessions have ended.`);
        return;
      }
      case 'sign-out': {
        noMore();
        const ended = await endSessionsOf(store, needName());
        await audit(store, actor, 'sessions ended', null, `${needName()}: ${ended} sessions ended`);
        console.log(`Ended ${ended} session${ended === 1 ? '' : 's'} of ${needName()}.`);
        return;
      }
      default:
        throw context.usage(`users takes add, list, remove, set-role, set-groups, set-password or sign-out${action === undefined ? '' : `, not ${JSON.stringify(action)}`}`);
    }
  } catch (error) {
    throw error instanceof AccountError ? context.usage(error.message) : error;
  }
}

/** `waybill tokens create|list|revoke`: API tokens for scripts, shown once when made. */
export async function tokensCommand(args: readonly string[], context: Context): Promise<void> {
  const [action, id, ...rest] = args;
  if (rest.length > 0) throw context.usage(`tokens ${action}: unexpected argument ${JSON.stringify(rest[0])}`);
  const store = await openStore(context.dbPath);
  const actor = commandLineActor();
  try {
    switch (action) {
      case 'create': {
        if (id !== undefined) throw context.usage(`tokens create: unexpected argument ${JSON.stringify(id)}`);
        const role = parseRole(context.role);
        const made = await createToken(store, { label: context.label ?? `${role} token`, role, groups: parseGroups(context.groups), createdBy: actor.name });
        await audit(store, actor, 'token created', null, `${made.info.label} (${made.info.id}): ${role}`);
        if (context.json) console.log(JSON.stringify(made));
        else {
          console.error(`Made token ${made.info.id} (${role}${made.info.groups.length > 0 ? `; groups ${made.info.groups.join(', ')}` : ''}). It is shown once; send it as "Authorization: Bearer <token>":`);
          console.log(made.token);
        }
        return;
      }
      case 'list': {
        if (id !== undefined) throw context.usage(`tokens list: unexpected argument ${JSON.stringify(id)}`);
        const tokens = await listTokens(store);
        if (context.json) console.log(JSON.stringify({ tokens }));
        else console.log(table(['id', 'label', 'role', 'groups', 'owner', 'made by', 'made'], tokens.map((t) => [t.id, t.label, t.role, t.groups.join(', ') || '–', t.owner ?? '–', t.createdBy, t.createdAt.slice(0, 10)])));
        return;
      }
      case 'revoke': {
        if (id === undefined) throw context.usage('tokens revoke needs the token ID (`waybill tokens list` shows them)');
        const token = await revokeToken(store, id);
        await audit(store, actor, 'token revoked', null, `${token.label} (${token.id})`);
        console.log(`Revoked ${token.label} (${token.id}).`);
        return;
      }
      default:
        throw context.usage(`tokens takes create, list or revoke${action === undefined ? '' : `, not ${JSON.stringify(action)}`}`);
    }
  } catch (error) {
    throw error instanceof AccountError ? context.usage(error.message) : error;
  }
}

/** `waybill logs restrict NAME --groups A,B` and `waybill logs delete NAME`. */
export async function logAdminCommand(action: 'restrict' | 'delete', name: string | undefined, context: Context): Promise<void> {
  if (name === undefined) throw context.usage(`logs ${action} needs the log NAME`);
  const store: Store = await openStore(context.dbPath);
  const actor = commandLineActor();
  if (action === 'delete') {
    const deleted = await deleteLog(store, name, actor);
    console.log(`Deleted ${deleted.name}: ${deleted.events.toLocaleString('en-US')} events, ${deleted.cases.toLocaleString('en-US')} cases.`);
    return;
  }
  if (context.groups === undefined) throw context.usage('logs restrict needs --groups A,B (or --groups "" to open the log to everyone)');
  const root = (await logAccess(store, name))?.root;
  if (root === undefined) throw new UnknownLogError(name);
  if (root !== name) throw context.usage(`${JSON.stringify(name)} is a case notion of ${JSON.stringify(root)} and follows its access; restrict ${JSON.stringify(root)}`);
  const groups = parseGroups(context.groups);
  await setLogGroups(store, name, groups);
  const detail = groups.length === 0 ? 'open to every signed-in user' : `restricted to ${groups.join(', ')}`;
  await audit(store, actor, 'access changed', name, detail);
  console.log(`${name} is ${detail}.`);
}

/** A password typed without echo at a terminal, or the first line of standard input with --password-stdin. */
async function readPassword(fromStdin: boolean, prompt: string): Promise<string> {
  if (fromStdin || !process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  }
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const ask = (question: string) =>
    new Promise<string>((resolve) => {
      const lines = createInterface({ input: process.stdin, output, terminal: true });
      muted = false;
      process.stderr.write(question);
      muted = true;
      lines.question('', (answer) => {
        lines.close();
        process.stderr.write('\n');
        resolve(answer);
      });
    });
  const first = await ask(prompt);
  if ((await ask('Again: ')) !== first) throw new AccountError('the two passwords differ');
  return first;
}
