/**
 * Agents and their credentials: adding agents, issuing tokens, tickets and browser sessions,
 * and telling from credentials who calls. The only code that writes agents and credentials;
 * each write is announced on the event bus once it is committed. Only hashes of secrets are
 * stored: what a caller is given here is the one chance to see it.
 */
import { LRUCache } from 'lru-cache';
import { hasBadCharacters, newAgent, textProblem, type FieldProblem } from '@chatline/shared';
import type { AgentRecord, ChatStore, CredentialKind, CredentialRecord, Millis, SignInEventRecord } from '../store/types.ts';
import { ChatError, conflict, forbidden, invalid, invalidFields, notFound, unauthorized, type ChatText } from './errors.ts';
import type { EventBus } from './events.ts';
import { DEFAULT_TOPIC_ID, type MembershipService } from './membership.ts';
import { requireAgent, type Caller } from './rights.ts';
import { DUMMY_HASH, hashPassword, newSecret, sameSecret, sha256, verifyPassword } from './secrets.ts';
import { signInRecord, type Actor, type AuditLog, type RequestOrigin, type SignInMethod } from './sign-in.ts';

const passwordSpec = newAgent.field('Password')!;
const fullNameSpec = newAgent.field('FullName')!;
export const MIN_PASSWORD_LENGTH = passwordSpec.minLength!;
const MAX_PASSWORD_LENGTH = passwordSpec.maxLength!;
const USER_NAME = /^[\p{L}\p{N}._@+-]{1,64}$/u;
export const TICKET_LIFETIME_MS = 6 * 60 * 60 * 1000;
export const BROWSER_SESSION_LIFETIME_MS = 12 * 60 * 60 * 1000;
/** How long who presented a secret is remembered. */
const RECENT_MS = 1000;
/** How often a token's last use is written down. */
const LAST_USED_MS = 60_000;
/** What a change made by the operator's command says of where it came from. */
const OPERATOR: RequestOrigin = { address: null, requestId: null };
/** The operator: the admin command, and the server's own start-up (CHAT_ADMIN_USER). */
export const OPERATOR_ACTOR: Actor = { kind: 'operator' };

/** What a request presents to prove who it is. */
export type Credentials =
  | { scheme: 'basic'; userName: string; password: string }
  | { scheme: 'bearer'; token: string }
  | { scheme: 'ticket'; ticket: string }
  /** A browser agent's session cookie, and the XSRF token its page echoed (if it did). */
  | { scheme: 'cookie'; session: string; xsrf: string | undefined };

export type Ticket = { ticket: string; expiresAt: Millis };
export type BrowserSession = { session: string; xsrf: string; expiresAt: Millis };

/** A new agent's fields, as every way of adding one gives them: the admin command, a manager's request. */
export type NewAgent = { userName: unknown; fullName?: unknown; password: unknown };

/**
 * The rules for a new agent's user name, full name and password, the same for the admin command
 * and for a manager's request: a 400 naming each field that breaks one. Said alone, a problem
 * has the words the admin command prints.
 */
function checkNewAgent({ userName, fullName = '', password }: NewAgent): { userName: string; fullName: string; password: string } {
  const found: { problem: FieldProblem; text: ChatText }[] = [];
  const refuse = (Field: string, Code: FieldProblem['Code'], text: ChatText) => found.push({ problem: { Field, Code }, text });
  const missing = (value: unknown) => (value === undefined || value === null || value === '' ? 'required' : 'type');
  if (typeof userName !== 'string' || !USER_NAME.test(userName)) {
    refuse('UserName', typeof userName === 'string' && userName !== '' ? 'user_name' : missing(userName), { key: 'userNameInvalid', args: [] });
  }
  const name = fullName === null ? '' : typeof fullName === 'string' ? fullName.trim() : undefined;
  const nameProblem = name === undefined ? 'type' : textProblem(fullNameSpec, name);
  if (nameProblem) refuse('FullName', nameProblem, { key: 'fullNameInvalid', args: [fullNameSpec.maxLength!] });
  if (typeof password === 'string' && hasBadCharacters(password)) {
    // A password is kept as typed: control characters and broken ones are refused, not dropped.
    refuse('Password', 'characters', { key: 'passwordCharacters', args: [] });
  } else if (typeof password !== 'string' || password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    const code = typeof password !== 'string' || password === '' ? missing(password) : password.length < MIN_PASSWORD_LENGTH ? 'too_short' : 'too_long';
    refuse('Password', code, code === 'too_long' ? { key: 'passwordTooLong', args: [MAX_PASSWORD_LENGTH] } : { key: 'passwordTooShort', args: [MIN_PASSWORD_LENGTH] });
  }
  if (found.length === 1) throw new ChatError('invalid', found[0]!.text, { problems: [found[0]!.problem], entity: newAgent });
  if (found.length > 1) throw invalidFields(newAgent, found.map(({ problem }) => problem));
  return { userName: userName as string, fullName: name!, password: password as string };
}

/** A new password, by the rules of a new agent's. */
const checkNewPassword = (password: unknown): string => checkNewAgent({ userName: 'x', password }).password;

export type AgentServiceDeps = {
  store: ChatStore;
  bus: EventBus;
  now: () => Millis;
  members: MembershipService;
  /** Where the record of sign-ins is logged. */
  log: AuditLog;
  /** Puts the chats of an agent who left the team back in the queue. */
  release: (agentId: number) => Promise<void>;
};

export function agentService({ store, bus, now, members, log, release }: AgentServiceDeps) {
  const credentialCreated = (agentId: number, kind: CredentialKind) => bus.publish({ type: 'credential.created', agentId, kind });
  const signIns = signInRecord({ store, now, log });

  async function issue(agent: AgentRecord, kind: CredentialKind, lifetime: Millis | null, xsrfHash: string | null = null) {
    const secret = newSecret();
    const createdAt = now();
    const expiresAt = lifetime === null ? null : createdAt + lifetime;
    // Only while the agent is on the team with the password it was known by.
    const added = await store.addCredential(
      { secretHash: sha256(secret), kind, agentId: agent.id, xsrfHash, createdAt, expiresAt, lastUsedAt: null },
      { passwordHash: agent.passwordHash },
    );
    if (!added) throw unauthorized('credentialsChanged');
    credentialCreated(agent.id, kind);
    return { secret, expiresAt };
  }

  async function holder(agentId: number): Promise<AgentRecord> {
    const agent = await store.getAgent(agentId);
    if (!agent || agent.deleted) throw unauthorized('agentGone');
    return agent;
  }

  /**
   * Who presented a secret lately. Under load an agent sends many requests a second, each of
   * which would read its credential and itself again: what was read is kept for a second, and
   * forgotten at once when a credential is revoked or an agent changes, in this process or, told
   * by the shared bus, in another.
   */
  const recent = new LRUCache<string, { agent: AgentRecord; xsrfHash: string | null; expiresAt: Millis | null }>({ max: 10_000, ttl: RECENT_MS });
  /** Counts the clears: what was read before one is not kept after it. */
  let generation = 0;
  bus.subscribe((event) => {
    if (event.type === 'credential.deleted' || event.type === 'agent.updated' || event.type === 'resync') {
      recent.clear();
      generation++;
    }
  });

  /** The agent that holds this secret of this kind, and the credential's XSRF hash; null when none does. */
  async function credential(secret: string, kind: CredentialKind) {
    const secretHash = sha256(secret);
    const key = `${kind}:${secretHash}`;
    const held = recent.get(key);
    if (held && (held.expiresAt === null || held.expiresAt > now())) return held;
    const at = now();
    const reading = generation;
    const found = await store.findCredential(secretHash, kind, at);
    if (!found) return null;
    const presented = { agent: await holder(found.agentId), xsrfHash: found.xsrfHash, expiresAt: found.expiresAt };
    // A token's last use is kept to the minute, for its holder's list of tokens.
    if (kind === 'token' && (found.lastUsedAt === null || at - found.lastUsedAt >= LAST_USED_MS)) await store.touchCredential(secretHash, at);
    if (reading === generation) recent.set(key, presented);
    return presented;
  }

  /** The agent these credentials name, or a refusal; under the throttle of password guessing. Used by Basic and by signing in. */
  function signIn(userName: string, password: string, origin: RequestOrigin, method: SignInMethod): Promise<AgentRecord> {
    return signIns.guarded(
      userName,
      origin,
      method,
      () => store.findAgent(userName),
      // Hash even for an unknown user, so the answer's timing does not tell which names exist.
      (agent) => verifyPassword(password, agent?.passwordHash ?? DUMMY_HASH),
    );
  }

  /** A manager (an agent who manages a topic) or the operator: who may change agents' access. */
  async function requireManager(by: Actor | Caller, refusal: 'manageToAddAgents' | 'manageToChangeAgents'): Promise<Actor> {
    if (by.kind === 'operator') return by;
    const agent = requireAgent(by);
    if (!(await store.agentTopics(agent.id)).some((member) => member.canManage)) throw forbidden(undefined, refusal);
    return { kind: 'agent', agent };
  }

  /** An agent of the team (not removed, unless `removed` allows it) by id, for a change to its access. */
  async function member(id: number, { removed = false } = {}): Promise<AgentRecord> {
    const agent = Number.isSafeInteger(id) ? await store.getAgent(id) : null;
    if (!agent || (agent.deleted && !removed)) throw notFound('agentIdNotFound', id);
    return agent;
  }

  /**
   * Who changes the access of the agent `id`, and that agent: the operator any agent; a manager
   * an agent whose every topic it manages (itself too). So a manager of one topic cannot take
   * over an agent of another, nor one it merely added to its own topic.
   */
  async function mayChange(by: Actor | Caller, id: number, options?: { removed?: boolean }): Promise<{ actor: Actor; agent: AgentRecord }> {
    const actor = await requireManager(by, 'manageToChangeAgents');
    const agent = await member(id, options);
    if (actor.kind === 'agent' && actor.agent.id !== agent.id) {
      const managed = new Set((await store.agentTopics(actor.agent.id)).filter((m) => m.canManage).map((m) => m.topicId));
      const outside = (await store.agentTopics(agent.id)).find((m) => !managed.has(m.topicId));
      if (outside) throw forbidden(undefined, 'manageAgentsTopics', agent.userName, outside.topicId);
    }
    return { actor, agent };
  }

  /** Credentials of the agent ended: in every process they stop working, and its streams close. */
  function revoked(agentId: number, kinds: readonly CredentialKind[]) {
    for (const kind of kinds) bus.publish({ type: 'credential.deleted', agentId, kind });
  }

  const how = (actor: Actor) => (actor.kind === 'operator' ? 'admin' : 'console');

  /** Adds an agent, by the rules every way of adding one shares; a user name taken in any case is a conflict. */
  async function create(fields: NewAgent): Promise<AgentRecord> {
    const { userName, fullName, password } = checkNewAgent(fields);
    const agent = await store.createAgent({ userName, fullName, passwordHash: await hashPassword(password), createdAt: now() });
    if (!agent) throw conflict('userNameTaken', userName);
    bus.publish({ type: 'agent.created', agentId: agent.id });
    return agent;
  }

  /** A credential nobody holds was presented: logged, with nothing of the secret. */
  const refused = (origin: RequestOrigin, method: string) => signIns.record('sign_in_failed', { agent: null, origin, method });

  return {
    /** The agent a user name and password name (Login, Ticket), or a refusal: 401, or 429 while guessing is throttled. */
    checkPassword: (userName: string, password: string, origin: RequestOrigin, method: 'login' | 'ticket') => signIn(userName, password, origin, method),

    /** Who presents these credentials: an agent, or a refusal (never a visitor). */
    async identify(credentials: Credentials, origin: RequestOrigin): Promise<Caller> {
      switch (credentials.scheme) {
        case 'basic':
          return { kind: 'agent', agent: await signIn(credentials.userName, credentials.password, origin, 'basic') };
        case 'bearer': {
          const token = await credential(credentials.token, 'token');
          if (!token) {
            await refused(origin, 'token');
            throw unauthorized('unknownToken');
          }
          return { kind: 'agent', agent: token.agent };
        }
        case 'ticket': {
          const ticket = await credential(credentials.ticket, 'ticket');
          if (!ticket) {
            await refused(origin, 'soticket');
            throw unauthorized('unknownTicket');
          }
          return { kind: 'agent', agent: ticket.agent };
        }
        case 'cookie': {
          const session = await credential(credentials.session, 'session');
          if (!session) {
            await refused(origin, 'cookie');
            throw unauthorized('sessionExpired');
          }
          // The XSRF token proves the request comes from a page of ours that could read the cookie.
          const { xsrf } = credentials;
          if (!xsrf || !session.xsrfHash || !sameSecret(sha256(xsrf), session.xsrfHash)) throw unauthorized('xsrfMissing');
          return { kind: 'agent', agent: session.agent };
        }
      }
    },

    /** The operator adds an agent (the admin command, CHAT_ADMIN_USER): it may do everything in the default topic at once. */
    async add(fields: NewAgent): Promise<AgentRecord> {
      const agent = await create(fields);
      await members.grantAll(DEFAULT_TOPIC_ID, agent.id);
      await signIns.record('agent_added', { agent, origin: OPERATOR, method: 'admin', by: OPERATOR_ACTOR });
      return agent;
    },

    /**
     * A manager (an agent who manages a topic) adds an agent, by the admin command's rules. The
     * new agent is a member of no topic: a manager then says what it may do where.
     */
    async addByManager(caller: Caller, fields: NewAgent, origin: RequestOrigin): Promise<AgentRecord> {
      const by = await requireManager(caller, 'manageToAddAgents');
      const agent = await create(fields);
      await signIns.record('agent_added', { agent, origin, method: 'console', by });
      return agent;
    },

    /**
     * Takes an agent off the team: every credential it held ends at once, in every process, its
     * chats under way go back to the queue, and chats offered to it stay with who has them. Its
     * name stays on past conversations. A manager cannot remove themselves.
     */
    async remove(by: Actor | Caller, id: number, origin: RequestOrigin = OPERATOR): Promise<AgentRecord> {
      if (by.kind === 'agent' && by.agent.id === id) throw forbidden(undefined, 'cannotRemoveYourself');
      const { actor, agent } = await mayChange(by, id);
      const topics = await store.agentTopics(id);
      if (!(await store.removeAgent(id))) throw notFound('agentIdNotFound', id);
      await signIns.record('agent_removed', { agent, origin, method: how(actor), by: actor });
      bus.publish({ type: 'agent.updated', agentId: id });
      revoked(id, ['token', 'ticket', 'session']);
      for (const { topicId } of topics) bus.publish({ type: 'topic.updated', topicId });
      await release(id);
      return agent;
    },

    /** A new password for an agent: every cookie session, ticket and token it had ends at once. */
    async setPassword(by: Actor | Caller, id: number, password: unknown, origin: RequestOrigin = OPERATOR): Promise<void> {
      const { actor, agent } = await mayChange(by, id);
      const hash = await hashPassword(checkNewPassword(password));
      if (!(await store.setPassword(id, hash))) throw notFound('agentIdNotFound', id);
      await store.revokeCredentials(id, ['token', 'ticket', 'session']);
      bus.publish({ type: 'agent.updated', agentId: id });
      revoked(id, ['token', 'ticket', 'session']);
      await signIns.record('password_changed', { agent, origin, method: how(actor), by: actor });
    },

    /** Takes back every Bearer token of an agent: how many there were. */
    async revokeTokens(by: Actor | Caller, id: number, origin: RequestOrigin = OPERATOR): Promise<number> {
      const { actor, agent } = await mayChange(by, id);
      // Tickets go too: one can be had with a token, and renews itself.
      const count = await store.revokeCredentials(id, ['token']);
      await store.revokeCredentials(id, ['ticket']);
      revoked(id, ['token', 'ticket']);
      await signIns.record('tokens_revoked', { agent, origin, method: how(actor), by: actor });
      return count;
    },

    /** An agent's Bearer tokens: when each was made and last used, never the token. */
    async tokens(by: Actor | Caller, id: number): Promise<CredentialRecord[]> {
      const { agent } = await mayChange(by, id);
      return store.listCredentials(agent.id, 'token', now());
    },

    /** An agent's last sign-ins and changes to its access, the newest first. */
    async signIns(by: Actor | Caller, id: number, limit = 50): Promise<SignInEventRecord[]> {
      // A removed agent's record can still be read.
      const { agent } = await mayChange(by, id, { removed: true });
      await signIns.settled();
      return store.listSignInEvents(agent.id, limit);
    },

    /** Adds the agent unless one by that name exists; true when it was added. */
    async ensure(userName: string, password: string): Promise<boolean> {
      if (await store.findAgent(userName)) return false;
      try {
        await this.add({ userName, password, fullName: userName });
        return true;
      } catch (error) {
        // Another server starting on the same database added it first.
        if (await store.findAgent(userName)) return false;
        throw error;
      }
    },

    async find(userName: string): Promise<AgentRecord> {
      const agent = await store.findAgent(userName);
      if (!agent || agent.deleted) throw invalid('noSuchAgent', userName);
      return agent;
    },

    /** An agent by id, or null. */
    byId: (id: number) => store.getAgent(id),

    /** Every agent, for the admin command. */
    all: () => store.listAgents(),

    /** The agent calling, as its credentials name it; a visitor is refused (401). */
    me(caller: Caller): AgentRecord {
      return requireAgent(caller);
    },

    /** The agents, for an agent. */
    async list(caller: Caller): Promise<AgentRecord[]> {
      requireAgent(caller);
      return store.listAgents();
    },

    /** A new Bearer token for the agent, valid until revoked. */
    async createToken(agent: AgentRecord, by: Actor = OPERATOR_ACTOR): Promise<string> {
      const { secret } = await issue(agent, 'token', null);
      await signIns.record('token_created', { agent, origin: OPERATOR, method: how(by), by });
      return secret;
    },

    /** A ticket for `Authorization: SOTicket`, valid six hours. */
    async issueTicket(agent: AgentRecord): Promise<Ticket> {
      const { secret, expiresAt } = await issue(agent, 'ticket', TICKET_LIFETIME_MS);
      return { ticket: secret, expiresAt: expiresAt! };
    },

    /** A browser agent's signed-in session, and the XSRF token its pages must echo. */
    async startBrowserSession(agent: AgentRecord): Promise<BrowserSession> {
      const xsrf = newSecret();
      const { secret, expiresAt } = await issue(agent, 'session', BROWSER_SESSION_LIFETIME_MS, sha256(xsrf));
      return { session: secret, xsrf, expiresAt: expiresAt! };
    },

    /** Signs a browser agent out: its session cookie stops working at once. */
    async endBrowserSession(caller: Caller, session: string | undefined): Promise<void> {
      if (caller.kind !== 'agent') throw unauthorized('notSignedIn');
      if (session === undefined) return;
      const removed = await store.deleteCredential(sha256(session));
      if (removed) bus.publish({ type: 'credential.deleted', agentId: removed.agentId, kind: removed.kind });
    },
  };
}

export type AgentService = ReturnType<typeof agentService>;
