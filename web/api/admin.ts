import { Hono } from 'hono';
import { z } from 'zod';
import {
  AccountError,
  addUser,
  allows,
  createToken,
  endSessionsOf,
  listTokens,
  listUsers,
  logGroups,
  removeUser,
  revokeToken,
  ROLES,
  setLogGroups,
  updateUser,
} from '../../store/accounts.ts';
import { audit } from '../../store/audit.ts';
import type { Store } from '../../store/db.ts';
import { deleteLog, listLogs, logAccess } from '../../store/logs.ts';
import { UnknownLogError } from '../../mining/errors.ts';
import { actorOf, identityOf, needs, type ApiEnv } from './actor.ts';
import { jsonBodyLimit, sentAsJson, validJson } from './json-body.ts';

const Groups = z.array(z.string().max(64)).max(100);
const NewUser = z.object({ name: z.string().min(1).max(128), role: z.enum(ROLES), groups: Groups.optional(), password: z.string().max(1024).optional() }).strict();
const UserChange = z.object({ role: z.enum(ROLES).optional(), groups: Groups.optional(), password: z.string().max(1024).optional() }).strict();
const NewToken = z.object({ label: z.string().min(1).max(100), role: z.enum(ROLES).optional(), groups: Groups.optional() }).strict();
const AccessChange = z.object({ groups: Groups }).strict();

/**
 * Managing who may do what: users (admin), API tokens (everyone their own; an
 * admin anyone's), which groups may see each log (admin), and deleting a log
 * (admin). Each change is in the audit trail. AccountError answers 400, 404 or 409.
 */
export function adminRoutes(openStore: () => Promise<Store>) {
  return new Hono<ApiEnv>()
    .get('/users', needs('admin'), async (c) => c.json({ users: await listUsers(await openStore()) }))
    .post('/users', needs('admin'), jsonBodyLimit('the user'), sentAsJson('{ name, role, groups?, password? }'), validJson(NewUser), async (c) => {
      const body = c.req.valid('json');
      const store = await openStore();
      const user = await addUser(store, body);
      await audit(store, actorOf(c), 'user added', null, `${user.name}: ${user.role}${user.groups.length > 0 ? `, groups ${user.groups.join(', ')}` : ''}`);
      return c.json(user, 201);
    })
    .patch('/users/:name', needs('admin'), jsonBodyLimit('the change'), sentAsJson('{ role?, groups?, password? }'), validJson(UserChange), async (c) => {
      const body = c.req.valid('json');
      const store = await openStore();
      const user = await updateUser(store, c.req.param('name'), body);
      const what = [body.role && `role ${body.role}`, body.groups && `groups ${body.groups.join(', ') || 'none'}`, body.password !== undefined && 'password changed'].filter(Boolean).join(', ');
      await audit(store, actorOf(c), 'user changed', null, `${user.name}: ${what || 'nothing'}`);
      return c.json(user);
    })
    .delete('/users/:name', needs('admin'), async (c) => {
      const store = await openStore();
      await removeUser(store, c.req.param('name'));
      await audit(store, actorOf(c), 'user removed', null, c.req.param('name'));
      return c.json({ removed: c.req.param('name') });
    })
    .post('/users/:name/sessions/end', needs('admin'), async (c) => {
      const store = await openStore();
      const ended = await endSessionsOf(store, c.req.param('name'));
      await audit(store, actorOf(c), 'sessions ended', null, `${c.req.param('name')}: ${ended} sessions ended`);
      return c.json({ ended });
    })
    .get('/tokens', async (c) => {
      const identity = identityOf(c);
      const store = await openStore();
      return c.json({ tokens: await listTokens(store, identity.role === 'admin' ? undefined : identity.name) });
    })
    .post('/tokens', jsonBodyLimit('the token'), sentAsJson('{ label, role?, groups? }'), validJson(NewToken), async (c) => {
      const body = c.req.valid('json');
      const identity = identityOf(c);
      const role = body.role ?? identity.role;
      if (!allows(identity.role, role)) throw new AccountError(`a token's role can be at most yours (${identity.role})`);
      const store = await openStore();
      // A signed-in user's token is theirs and ends with them; the start-up token's stand alone.
      const owner = identity.by === 'start-up token' ? undefined : identity.name;
      const groups = identity.role === 'admin' ? body.groups : identity.groups;
      const made = await createToken(store, { label: body.label, role, ...(groups && { groups }), ...(owner && { owner }), createdBy: identity.name });
      await audit(store, actorOf(c), 'token created', null, `${made.info.label} (${made.info.id}): ${role}`);
      return c.json(made, 201);
    })
    .delete('/tokens/:id', async (c) => {
      const identity = identityOf(c);
      const store = await openStore();
      const token = (await listTokens(store)).find((info) => info.id === c.req.param('id'));
      if (!token || (identity.role !== 'admin' && token.owner !== identity.name)) throw new AccountError(`no token ${JSON.stringify(c.req.param('id'))}`, 404);
      await revokeToken(store, token.id);
      await audit(store, actorOf(c), 'token revoked', null, `${token.label} (${token.id})`);
      return c.json({ revoked: token.id });
    })
    .get('/access', needs('admin'), async (c) => {
      const store = await openStore();
      const groups = await logGroups(store);
      const logs = (await listLogs(store)).filter((log) => log.parent === null);
      return c.json({ logs: logs.map((log) => ({ log: log.name, groups: groups.get(log.name) ?? [] })) });
    })
    .put('/logs/:log/access', needs('admin'), jsonBodyLimit('the groups'), sentAsJson('{ groups }'), validJson(AccessChange), async (c) => {
      const { groups } = c.req.valid('json');
      const store = await openStore();
      const log = c.req.param('log');
      const root = (await logAccess(store, log))?.root;
      if (root === undefined) throw new UnknownLogError(log);
      if (root !== log) throw new AccountError(`${JSON.stringify(log)} is a case notion of ${JSON.stringify(root)} and follows its access; set it there`);
      await setLogGroups(store, log, groups);
      const saved = (await logGroups(store)).get(log) ?? [];
      await audit(store, actorOf(c), 'access changed', log, saved.length === 0 ? 'open to every signed-in user' : `restricted to ${saved.join(', ')}`);
      return c.json({ log, groups: saved });
    })
    .delete('/logs/:log', needs('admin'), async (c) => c.json({ deleted: await deleteLog(await openStore(), c.req.param('log'), actorOf(c)) }));
}
