/**
 * Agents and their credentials: adding agents, issuing tokens, tickets and browser sessions,
 * and telling from credentials who calls. The only code that writes agents and credentials;
 * each write is announced on the event bus once it is committed. Only hashes of secrets are
 * stored: what a caller is given here is the one chance to see it.
 */
import { LRUCache } from 'lru-cache';
import { newAgent, textProblem, type FieldProblem } from '@chatline/shared';
import type { AgentRecord, ChatStore, CredentialKind, Millis } from '../store/types.ts';
import { ChatError, conflict, forbidden, invalid, invalidFields, unauthorized, type ChatText } from './errors.ts';
import type { EventBus } from './events.ts';
import { DEFAULT_TOPIC_ID, type MembershipService } from './membership.ts';
import { requireAgent, type Caller } from './rights.ts';
import { DUMMY_HASH, hashPassword, newSecret, sameSecret, sha256, verifyPassword } from './secrets.ts';

const passwordSpec = newAgent.field('Password')!;
const fullNameSpec = newAgent.field('FullName')!;
export const MIN_PASSWORD_LENGTH = passwordSpec.minLength!;
const MAX_PASSWORD_LENGTH = passwordSpec.maxLength!;
const USER_NAME = /^[\p{L}\p{N}._@+-]{1,64}$/u;
export const TICKET_LIFETIME_MS = 6 * 60 * 60 * 1000;
export const BROWSER_SESSION_LIFETIME_MS = 12 * 60 * 60 * 1000;
/** How long who presented a secret is remembered. */
const RECENT_MS = 1000;

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
  if (typeof password !== 'string' || password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    const code = typeof password !== 'string' || password === '' ? missing(password) : password.length < MIN_PASSWORD_LENGTH ? 'too_short' : 'too_long';
    refuse('Password', code, code === 'too_long' ? { key: 'passwordTooLong', args: [MAX_PASSWORD_LENGTH] } : { key: 'passwordTooShort', args: [MIN_PASSWORD_LENGTH] });
  }
  if (found.length === 1) throw new ChatError('invalid', found[0]!.text, { problems: [found[0]!.problem], entity: newAgent });
  if (found.length > 1) throw invalidFields(newAgent, found.map(({ problem }) => problem));
  return { userName: userName as string, fullName: name!, password: password as string };
}

export function agentService({ store, bus, now, members }: { store: ChatStore; bus: EventBus; now: () => Millis; members: MembershipService }) {
  const credentialCreated = (agentId: number, kind: CredentialKind) => bus.publish({ type: 'credential.created', agentId, kind });

  async function issue(agent: AgentRecord, kind: CredentialKind, lifetime: Millis | null, xsrfHash: string | null = null) {
    const secret = newSecret();
    const createdAt = now();
    const expiresAt = lifetime === null ? null : createdAt + lifetime;
    await store.addCredential({ secretHash: sha256(secret), kind, agentId: agent.id, xsrfHash, createdAt, expiresAt });
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
  bus.subscribe((event) => {
    if (event.type === 'credential.deleted' || event.type === 'agent.updated' || event.type === 'resync') recent.clear();
  });

  /** The agent that holds this secret of this kind, and the credential's XSRF hash; null when none does. */
  async function credential(secret: string, kind: CredentialKind) {
    const secretHash = sha256(secret);
    const key = `${kind}:${secretHash}`;
    const held = recent.get(key);
    if (held && (held.expiresAt === null || held.expiresAt > now())) return held;
    const found = await store.findCredential(secretHash, kind, now());
    if (!found) return null;
    const presented = { agent: await holder(found.agentId), xsrfHash: found.xsrfHash, expiresAt: found.expiresAt };
    recent.set(key, presented);
    return presented;
  }

  /** The agent these credentials name, or a refusal. Used by Basic and by signing in. */
  async function checkPassword(userName: string, password: string): Promise<AgentRecord> {
    const agent = await store.findAgent(userName);
    // Hash even for an unknown user, so the answer's timing does not tell which names exist.
    const ok = await verifyPassword(password, agent?.passwordHash ?? DUMMY_HASH);
    if (!agent || !agent.passwordHash || !ok || agent.deleted) throw unauthorized('wrongPassword');
    return agent;
  }

  /** Adds an agent, by the rules every way of adding one shares; a user name taken in any case is a conflict. */
  async function create(fields: NewAgent): Promise<AgentRecord> {
    const { userName, fullName, password } = checkNewAgent(fields);
    const agent = await store.createAgent({ userName, fullName, passwordHash: await hashPassword(password), createdAt: now() });
    if (!agent) throw conflict('userNameTaken', userName);
    bus.publish({ type: 'agent.created', agentId: agent.id });
    return agent;
  }

  return {
    checkPassword,

    /** Who presents these credentials: an agent, or a refusal (never a visitor). */
    async identify(credentials: Credentials): Promise<Caller> {
      switch (credentials.scheme) {
        case 'basic':
          return { kind: 'agent', agent: await checkPassword(credentials.userName, credentials.password) };
        case 'bearer': {
          const token = await credential(credentials.token, 'token');
          if (!token) throw unauthorized('unknownToken');
          return { kind: 'agent', agent: token.agent };
        }
        case 'ticket': {
          const ticket = await credential(credentials.ticket, 'ticket');
          if (!ticket) throw unauthorized('unknownTicket');
          return { kind: 'agent', agent: ticket.agent };
        }
        case 'cookie': {
          const session = await credential(credentials.session, 'session');
          if (!session) throw unauthorized('sessionExpired');
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
      return agent;
    },

    /**
     * A manager (an agent who manages a topic) adds an agent, by the admin command's rules. The
     * new agent is a member of no topic: a manager then says what it may do where.
     */
    async addByManager(caller: Caller, fields: NewAgent): Promise<AgentRecord> {
      const agent = requireAgent(caller);
      if (!(await store.agentTopics(agent.id)).some((member) => member.canManage)) throw forbidden(undefined, 'manageToAddAgents');
      return create(fields);
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
      if (!agent) throw invalid('noSuchAgent', userName);
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
    async createToken(agent: AgentRecord): Promise<string> {
      return (await issue(agent, 'token', null)).secret;
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
