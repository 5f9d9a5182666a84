import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { inTransaction, queryRow, queryRows, withConnection, type Row, type Store } from './db.ts';

/**
 * Who may use Waybill: local accounts (scrypt-hashed passwords), accounts made by a
 * single sign-on (no password here), their sessions, and API tokens. Sessions and
 * tokens are random 32-byte secrets kept only as SHA-256 digests, so a copy of the
 * database lets no one in. The server is the only writer while it runs (DuckDB lets
 * one process hold the file), so what it caches stays true until it changes it.
 */

export const ROLES = ['viewer', 'analyst', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** A signed-in user, an API token or the start-up token, as every request sees it. */
export interface Identity {
  name: string;
  role: Role;
  /** The groups whose restricted logs it may see; an admin sees every log whatever its groups. */
  groups: string[];
  /** How it proved who it is. */
  by: 'session' | 'token' | 'start-up token' | 'server';
}

export interface UserInfo {
  name: string;
  role: Role;
  groups: string[];
  /** `local` has a password here (or signs in by the start-up link); `oidc` signs in at the company's identity provider. */
  source: 'local' | 'oidc';
  hasPassword: boolean;
  createdAt: string;
}

export interface TokenInfo {
  id: string;
  label: string;
  role: Role;
  groups: string[];
  /** The user whose token it is (it ends with them), or null for one made at the command line. */
  owner: string | null;
  createdBy: string;
  createdAt: string;
}

/** A mistake in what was asked (an unknown role, a taken name): the CLI's usage error, the API's 400. */
export class AccountError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 | 409 = 400,
  ) {
    super(message);
  }
}

/** A session ends after this long without a request. */
export const SESSION_IDLE_MS = 7 * 24 * 3600 * 1000;
/** …and this long after sign-in, however active. */
export const SESSION_MAX_MS = 30 * 24 * 3600 * 1000;
/** A session's last use is written at most this often (each write is a commit and a checkpoint). */
const TOUCH_EVERY_MS = 10 * 60 * 1000;

export function isRole(text: string): text is Role {
  return (ROLES as readonly string[]).includes(text);
}

export function parseRole(text: string | undefined): Role {
  if (text === undefined || !isRole(text)) throw new AccountError(`the role must be one of ${ROLES.join(', ')}${text === undefined ? '' : `, not ${JSON.stringify(text)}`}`);
  return text;
}

/** Whether `role` may do what `needed` may. */
export function allows(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

/** Group names from "finance, branch-atl": trimmed, without empties or repeats. */
export function parseGroups(text: string | readonly string[] | undefined): string[] {
  const parts = typeof text === 'string' ? text.split(',') : (text ?? []);
  const groups = [...new Set(parts.map((part) => part.trim()).filter((part) => part !== ''))];
  for (const group of groups) if (!/^[\w .@-]{1,64}$/u.test(group)) throw new AccountError(`a group name has letters, digits, spaces and . @ _ - only, at most 64: not ${JSON.stringify(group)}`);
  return groups.sort();
}

function checkUserName(name: string): string {
  const trimmed = name.trim();
  if (!/^[\w.@+-]{1,128}$/u.test(trimmed)) throw new AccountError(`a user name has letters, digits and . @ + _ - only, 1 to 128 of them: not ${JSON.stringify(name)}`);
  return trimmed;
}

// --- Passwords -------------------------------------------------------------

/** scrypt's cost: 2^16 × 8 × 128 bytes = 64 MiB and about a tenth of a second per attempt. */
const SCRYPT = { N: 1 << 16, r: 8, p: 1, maxmem: 256 * 1024 * 1024 } as const;
const KEY_BYTES = 32;
export const MIN_PASSWORD_LENGTH = 10;

function derive(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_BYTES, { ...params, maxmem: SCRYPT.maxmem }, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/** `scrypt$N$r$p$salt$key`, base64url: the parameters travel with the hash so they can grow later. */
export async function hashPassword(password: string): Promise<string> {
  if (password.length < MIN_PASSWORD_LENGTH) throw new AccountError(`a password has at least ${MIN_PASSWORD_LENGTH} characters`);
  if (password.length > 1024) throw new AccountError('a password has at most 1,024 characters');
  const salt = randomBytes(16);
  const key = await derive(password, salt, SCRYPT);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, N, r, p, salt, key] = stored.split('$');
  if (kind !== 'scrypt' || salt === undefined || key === undefined || password.length > 1024) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(N), r: Number(r), p: Number(p) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A password that costs as much to check as a real one, so an unknown name takes as long as a wrong password. */
let decoy: Promise<string> | undefined;
function decoyHash(): Promise<string> {
  return (decoy ??= hashPassword(randomBytes(16).toString('hex')));
}

// --- Secrets ---------------------------------------------------------------

export function digest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** The same length compared in the same time, so a guess learns nothing from how long the answer took. */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(Buffer.from(digest(a), 'hex'), Buffer.from(digest(b), 'hex'));
}

function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

// --- Caches ----------------------------------------------------------------

/** What each open store's server knows of its sessions and tokens: by digest, with when it was read. */
const identities = new WeakMap<Store, Map<string, { identity: Identity; touched: number; created: number } | null>>();

function cacheOf(store: Store) {
  let cache = identities.get(store);
  if (!cache) identities.set(store, (cache = new Map()));
  return cache;
}

/** Forgets every cached identity of this store: called by each change to users, sessions or tokens. */
function forget(store: Store): void {
  identities.get(store)?.clear();
}

// --- Users -----------------------------------------------------------------

type UserRow = UserInfo & Row;

const USER_COLUMNS = `name, role, groups, source, password_hash IS NOT NULL AS "hasPassword", strftime(created_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS "createdAt"`;

export async function listUsers(store: Store): Promise<UserInfo[]> {
  return withConnection(store, (connection) => queryRows<UserRow>(connection, `SELECT ${USER_COLUMNS} FROM users ORDER BY name`));
}

export async function findUser(store: Store, name: string): Promise<UserInfo | undefined> {
  return withConnection(store, (connection) => queryRow<UserRow>(connection, `SELECT ${USER_COLUMNS} FROM users WHERE name = $name`, { name }));
}

/** Adds a user; a local user without a password can sign in only through the start-up link. */
export async function addUser(store: Store, user: { name: string; role: Role; groups?: string[]; password?: string; source?: 'local' | 'oidc' }): Promise<UserInfo> {
  const name = checkUserName(user.name);
  const hash = user.password === undefined ? null : await hashPassword(user.password);
  await withConnection(store, (connection) =>
    inTransaction(connection, async () => {
      if (await queryRow(connection, `SELECT 1 AS taken FROM users WHERE lower(name) = lower($name)`, { name })) throw new AccountError(`there is a user named ${JSON.stringify(name)} already`, 409);
      await connection.run(`INSERT INTO users VALUES ($name, $role, $hash, CAST($groups AS JSON)::VARCHAR[], $source, now())`, {
        name,
        role: user.role,
        hash,
        groups: JSON.stringify(parseGroups(user.groups)),
        source: user.source ?? 'local',
      });
    }),
  );
  forget(store);
  return (await findUser(store, name))!;
}

/** Changes a user's role, groups or password; their sessions see the change at once. */
export async function updateUser(store: Store, name: string, change: { role?: Role; groups?: string[]; password?: string }): Promise<UserInfo> {
  const hash = change.password === undefined ? undefined : await hashPassword(change.password);
  await withConnection(store, (connection) =>
    inTransaction(connection, async () => {
      if (!(await queryRow(connection, `SELECT 1 AS known FROM users WHERE name = $name`, { name }))) throw new AccountError(`no user named ${JSON.stringify(name)}`, 404);
      if (change.role !== undefined && change.role !== 'admin') await keepAnAdmin(connection, name);
      if (change.role !== undefined) await connection.run(`UPDATE users SET role = $role WHERE name = $name`, { name, role: change.role });
      if (change.groups !== undefined) await connection.run(`UPDATE users SET groups = CAST($groups AS JSON)::VARCHAR[] WHERE name = $name`, { name, groups: JSON.stringify(parseGroups(change.groups)) });
      if (hash !== undefined) {
        await connection.run(`UPDATE users SET password_hash = $hash WHERE name = $name`, { name, hash });
        // A new password ends the sessions signed in with the old one.
        await connection.run(`DELETE FROM sessions WHERE user_name = $name`, { name });
      }
    }),
  );
  forget(store);
  return (await findUser(store, name))!;
}

/** Removes a user, their sessions and their tokens. */
export async function removeUser(store: Store, name: string): Promise<void> {
  await withConnection(store, (connection) =>
    inTransaction(connection, async () => {
      if (!(await queryRow(connection, `SELECT 1 AS known FROM users WHERE name = $name`, { name }))) throw new AccountError(`no user named ${JSON.stringify(name)}`, 404);
      await keepAnAdmin(connection, name);
      for (const [table, column] of [['sessions', 'user_name'], ['api_tokens', 'owner'], ['users', 'name']]) await connection.run(`DELETE FROM ${table} WHERE ${column} = $name`, { name });
    }),
  );
  forget(store);
}

/** Refuses to leave the store without an admin who can sign in: someone must be able to manage it from the page. */
async function keepAnAdmin(connection: DuckDBConnection, leaving: string): Promise<void> {
  const others = await queryRow<{ n: number }>(connection, `SELECT count(*)::INTEGER AS n FROM users WHERE role = 'admin' AND name <> $name`, { name: leaving });
  const isAdmin = await queryRow(connection, `SELECT 1 AS yes FROM users WHERE role = 'admin' AND name = $name`, { name: leaving });
  if (isAdmin && others!.n === 0) throw new AccountError(`${JSON.stringify(leaving)} is the only admin; make another user admin first`, 409);
}

/** The first admin, made when the store has none: the account the start-up link signs in as. */
export async function ensureAdmin(store: Store): Promise<string> {
  const existing = await withConnection(store, (connection) => queryRow<{ name: string }>(connection, `SELECT name FROM users WHERE role = 'admin' ORDER BY created_at, name LIMIT 1`));
  if (existing) return existing.name;
  return (await addUser(store, { name: 'admin', role: 'admin' })).name;
}

/**
 * Checks a local user's password. Unknown names, users without a password and
 * single-sign-on users all fail the same way, in the same time.
 */
export async function checkPassword(store: Store, name: string, password: string): Promise<UserInfo | undefined> {
  const row = await withConnection(store, (connection) =>
    queryRow<UserRow & { hash: string | null }>(connection, `SELECT ${USER_COLUMNS}, password_hash AS hash FROM users WHERE name = $name AND source = 'local'`, { name }),
  );
  const ok = await verifyPassword(password, row?.hash ?? (await decoyHash()));
  if (!row || row.hash === null || !ok) return undefined;
  const { hash: _hash, ...user } = row;
  return user;
}

/**
 * The account a single sign-on names: made on first sign-in, its role and groups
 * taken from the identity provider's claims each time. A local account of the
 * same name is not taken over.
 */
export async function upsertSsoUser(store: Store, user: { name: string; role: Role; groups: string[] }): Promise<UserInfo> {
  const existing = await findUser(store, user.name);
  if (existing === undefined) return addUser(store, { ...user, source: 'oidc' });
  if (existing.source !== 'oidc') throw new AccountError(`there is a local user named ${JSON.stringify(user.name)}; single sign-on does not take over local accounts`, 409);
  return updateUser(store, user.name, { role: user.role, groups: user.groups });
}

// --- Sessions --------------------------------------------------------------

/** Starts a session for a user and returns its secret, for the cookie. */
export async function createSession(store: Store, user: string, address?: string): Promise<string> {
  const secret = newSecret();
  await withConnection(store, (connection) =>
    inTransaction(connection, async () => {
      // Ended sessions are cleared as new ones begin.
      await connection.run(`DELETE FROM sessions WHERE last_seen < now() - to_milliseconds($idle) OR created_at < now() - to_milliseconds($max)`, { idle: SESSION_IDLE_MS, max: SESSION_MAX_MS });
      await connection.run(`INSERT INTO sessions VALUES ($hash, $user, $address, now(), now())`, { hash: digest(secret), user, address: address ?? null });
    }),
  );
  return secret;
}

export async function endSession(store: Store, secret: string): Promise<void> {
  await withConnection(store, (connection) => inTransaction(connection, () => connection.run(`DELETE FROM sessions WHERE token_hash = $hash`, { hash: digest(secret) })));
  forget(store);
}

/** Ends every session of a user (signing them out everywhere); returns how many there were. */
export async function endSessionsOf(store: Store, user: string): Promise<number> {
  const ended = await withConnection(store, (connection) =>
    inTransaction(connection, async () => {
      const count = await queryRow<{ n: number }>(connection, `SELECT count(*)::INTEGER AS n FROM sessions WHERE user_name = $user`, { user });
      await connection.run(`DELETE FROM sessions WHERE user_name = $user`, { user });
      return count!.n;
    }),
  );
  forget(store);
  return ended;
}

/** The user a session cookie belongs to, while the session lasts. */
export async function sessionIdentity(store: Store, secret: string, now = Date.now()): Promise<Identity | undefined> {
  const hash = digest(secret);
  const cache = cacheOf(store);
  const cached = cache.get(hash);
  if (cached === null) return undefined;
  if (cached && now - cached.touched < TOUCH_EVERY_MS && now - cached.created < SESSION_MAX_MS) return cached.identity;
  const row = await withConnection(store, (connection) =>
    queryRow<{ name: string; role: Role; groups: string[]; created: number; seen: number }>(
      connection,
      `SELECT u.name, u.role, u.groups, epoch_ms(s.created_at) AS created, epoch_ms(s.last_seen) AS seen
       FROM sessions s JOIN users u ON u.name = s.user_name WHERE s.token_hash = $hash`,
      { hash },
    ),
  );
  if (!row || now - row.seen > SESSION_IDLE_MS || now - row.created > SESSION_MAX_MS) {
    cache.set(hash, null);
    return undefined;
  }
  await withConnection(store, (connection) => connection.run(`UPDATE sessions SET last_seen = now() WHERE token_hash = $hash`, { hash }));
  const identity: Identity = { name: row.name, role: row.role, groups: row.groups, by: 'session' };
  cache.set(hash, { identity, touched: now, created: row.created });
  return identity;
}

// --- API tokens ------------------------------------------------------------

const TOKEN_PREFIX = 'wbt_';

/**
 * Makes an API token: `wbt_<id>_<secret>`, shown once. Its role is at most its
 * owner's; its groups, unless given, are its owner's.
 */
export async function createToken(
  store: Store,
  token: { label: string; role: Role; groups?: string[]; owner?: string; createdBy: string },
): Promise<{ token: string; info: TokenInfo }> {
  const label = token.label.trim();
  if (label === '' || label.length > 100) throw new AccountError('a token needs a label of 1 to 100 characters, saying what uses it');
  const id = randomBytes(6).toString('hex');
  const secret = `${TOKEN_PREFIX}${id}_${newSecret()}`;
  let groups = parseGroups(token.groups);
  if (token.owner !== undefined) {
    const owner = await findUser(store, token.owner);
    if (!owner) throw new AccountError(`no user named ${JSON.stringify(token.owner)}`, 404);
    if (!allows(owner.role, token.role)) throw new AccountError(`a token's role can be at most its owner's (${owner.role})`);
    if (token.groups === undefined) groups = owner.groups;
  }
  await withConnection(store, (connection) =>
    inTransaction(connection, () =>
      connection.run(`INSERT INTO api_tokens VALUES ($id, $hash, $label, $role, CAST($groups AS JSON)::VARCHAR[], $owner, $by, now())`, {
        id,
        hash: digest(secret),
        label,
        role: token.role,
        groups: JSON.stringify(groups),
        owner: token.owner ?? null,
        by: token.createdBy,
      }),
    ),
  );
  return { token: secret, info: (await listTokens(store)).find((info) => info.id === id)! };
}

export async function listTokens(store: Store, owner?: string): Promise<TokenInfo[]> {
  return withConnection(store, (connection) =>
    queryRows<TokenInfo & Row>(
      connection,
      `SELECT id, label, role, groups, owner, created_by AS "createdBy", strftime(created_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS "createdAt"
       FROM api_tokens WHERE $owner IS NULL OR owner = $owner ORDER BY created_at, id`,
      { owner: owner ?? null },
    ),
  );
}

export async function revokeToken(store: Store, id: string): Promise<TokenInfo> {
  const info = (await listTokens(store)).find((token) => token.id === id);
  if (!info) throw new AccountError(`no token ${JSON.stringify(id)}`, 404);
  await withConnection(store, (connection) => inTransaction(connection, () => connection.run(`DELETE FROM api_tokens WHERE id = $id`, { id })));
  forget(store);
  return info;
}

/** What an API token may do; a token whose owner's role fell below its own acts with the owner's. */
export async function tokenIdentity(store: Store, secret: string): Promise<Identity | undefined> {
  if (!secret.startsWith(TOKEN_PREFIX)) return undefined;
  const hash = digest(secret);
  const cache = cacheOf(store);
  const cached = cache.get(hash);
  if (cached !== undefined) return cached?.identity;
  const row = await withConnection(store, (connection) =>
    queryRow<{ label: string; role: Role; groups: string[]; owner: string | null; ownerRole: Role | null }>(
      connection,
      `SELECT t.label, t.role, t.groups, t.owner, u.role AS "ownerRole" FROM api_tokens t LEFT JOIN users u ON u.name = t.owner WHERE t.token_hash = $hash`,
      { hash },
    ),
  );
  if (!row) {
    cache.set(hash, null);
    return undefined;
  }
  const role = row.ownerRole !== null && !allows(row.ownerRole, row.role) ? row.ownerRole : row.role;
  const identity: Identity = { name: row.owner ?? `token ${row.label}`, role, groups: row.groups, by: 'token' };
  cache.set(hash, { identity, touched: Date.now(), created: Date.now() });
  return identity;
}

// --- Log access ------------------------------------------------------------

/** Each restricted log (by the name its notions hang from) with its groups. */
export async function logGroups(store: Store): Promise<Map<string, string[]>> {
  const rows = await withConnection(store, (connection) =>
    queryRows<{ log: string; groups: string[] }>(connection, `SELECT log_name AS log, list(group_name ORDER BY group_name) AS groups FROM log_access GROUP BY log_name`),
  );
  return new Map(rows.map((row) => [row.log, row.groups]));
}

/** Restricts a log to `groups` (none: open to every signed-in user), in the caller's transaction. */
export async function writeLogGroups(connection: DuckDBConnection, log: string, groups: readonly string[]): Promise<void> {
  await connection.run(`DELETE FROM log_access WHERE log_name = $log`, { log });
  for (const group of parseGroups(groups)) await connection.run(`INSERT INTO log_access VALUES ($log, $group)`, { log, group });
}

export async function setLogGroups(store: Store, log: string, groups: readonly string[]): Promise<void> {
  await withConnection(store, (connection) => inTransaction(connection, () => writeLogGroups(connection, log, groups)));
}

/** Whether `identity` may see a log restricted to `groups` (an empty list: open to all). */
export function maySee(identity: Identity, groups: readonly string[] | undefined): boolean {
  if (identity.role === 'admin' || groups === undefined || groups.length === 0) return true;
  return groups.some((group) => identity.groups.includes(group));
}

// --- The start-up link -----------------------------------------------------

/**
 * One-time sign-in links, printed by the server at start (as Jupyter does): each
 * signs its user in once, within a day. Kept in memory on `globalThis`, since the
 * CLI that prints the link and the built server that redeems it are two copies of
 * this module in one process; a restart prints a new one.
 */
const LINKS = Symbol.for('waybill.signInLinks');
const links: Map<string, { user: string; until: number }> = ((globalThis as { [LINKS]?: Map<string, { user: string; until: number }> })[LINKS] ??= new Map());
const LINK_LIFETIME_MS = 24 * 3600 * 1000;

/** A secret that signs `user` in once; put in the printed link. */
export function issueSignInLink(user: string, now = Date.now()): string {
  const secret = newSecret();
  links.set(digest(secret), { user, until: now + LINK_LIFETIME_MS });
  return secret;
}

/** The user a link signs in, used up by this call; undefined when unknown, used or expired. */
export function redeemSignInLink(secret: string, now = Date.now()): string | undefined {
  if (secret === '') return undefined;
  const hash = digest(secret);
  const link = links.get(hash);
  links.delete(hash);
  return link !== undefined && now < link.until ? link.user : undefined;
}
