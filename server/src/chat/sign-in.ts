/**
 * Password guessing, throttled; and the record of sign-ins.
 *
 * Failed password sign-ins (Basic, Login, Ticket) are counted per account and client address,
 * and per account from anywhere, in the store, so that every server process on one database
 * counts the same guesses. An account is a user name as typed, folded: names no agent has are
 * counted and answered exactly as names an agent has, so the answers tell nothing of which
 * exist. While a wait holds, no password is checked at all: the answer is the same 429 whether
 * the password was right or wrong, so the wait cannot be used to test guesses.
 *
 * Every sign-in, failure, throttled try and change to an agent's access is one JSON log line
 * (time, account, address, kind, request id; never a password, token or ticket), and, for an
 * agent that exists, an event of its record, which managers see in the console.
 */
import type { AgentRecord, ChatStore, Millis, SignInCount, SignInEventKind, SignInGuard } from '../store/types.ts';
import { ChatError, unauthorized, unavailable } from './errors.ts';
import { hmac } from './secrets.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The numbers of the throttle (the README and SECURITY.md say them too). */
export const SIGN_IN_LIMITS = {
  /** Failures in a row from one address that cost nothing. */
  freeFailures: 5,
  /** The wait after the last free failure; each further failure doubles it... */
  firstWaitMs: MINUTE,
  /** ...up to this. */
  longestWaitMs: HOUR,
  /** Failures from an address are forgotten this long after the last one (or at a success). */
  forgetFailuresMs: DAY,
  /** Failures an account may have per hour from every address together... */
  accountFailuresPerHour: 50,
  /** ...beyond which only addresses it signed in from this recently may still try. */
  familiarMs: 30 * DAY,
  /** Checks at once from an address that signed in there and has not failed since. */
  checksAtOnce: 16,
  /** Password checks one process makes at once (as many as Node hashes at once), and how many may wait for one. */
  checksInProcess: 4,
  checksWaiting: 256,
  /** A password check counts as under way this long at most (for a process that died meanwhile). */
  checkMs: 30_000,
} as const;

export type SignInMethod = 'basic' | 'login' | 'ticket';

/** Where a request came from, for the throttle and the record. */
export type RequestOrigin = { address: string | null; requestId: string | null };

/** Who changes an agent's access: the operator's admin command, or an agent (a manager) through the API. */
export type Actor = { kind: 'operator' } | { kind: 'agent'; agent: AgentRecord };

/** One line of the record, as it is logged. */
export type AuditLine = {
  time: string;
  event: 'auth';
  kind: SignInEventKind;
  /** The agent's user name; null for a name no agent has, or a credential nobody holds. */
  account: string | null;
  agent_id: number | null;
  /** A keyed hash of a user name no agent has: the same name gives the same hash, the name cannot be read back. */
  account_hash?: string;
  address: string | null;
  /** `basic`, `login`, `ticket`, `token`, `soticket`, `cookie`; `admin` or `console` for a change. */
  method: string | null;
  request_id: string | null;
  /** Who made a change: `admin`, or the manager's user name. */
  by?: string;
  retry_after?: number;
};

export type AuditLog = (line: AuditLine) => void;

/** A sign-in refused because of the throttle: 429, Retry-After in seconds. */
export const throttled = (seconds: number) => new ChatError('too_many', { key: 'signInThrottled', args: [seconds] }, undefined, seconds);

/** The count as it stands at `now`: its failures forgotten when `stale` says so, a check under way after half a minute. */
function current(count: SignInCount, now: Millis, stale: boolean): SignInCount {
  const pending = count.pendingAt !== null && now - count.pendingAt < SIGN_IN_LIMITS.checkMs ? count.pending : 0;
  return stale ? { ...count, failures: 0, since: now, pending } : { ...count, pending };
}

const fromAddressNow = (count: SignInCount, now: Millis) =>
  current(count, now, count.lastFailureAt === null || now - count.lastFailureAt >= SIGN_IN_LIMITS.forgetFailuresMs);
/** From anywhere, failures are counted by the hour, from the first of each hour. */
const fromAnywhereNow = (count: SignInCount, now: Millis) => current(count, now, now - count.since >= HOUR);

/** How long after its last failure an address waits, once it has had `failures` in a row. */
export function waitAfter(failures: number): Millis {
  const { freeFailures, firstWaitMs, longestWaitMs } = SIGN_IN_LIMITS;
  return failures < freeFailures ? 0 : Math.min(firstWaitMs * 2 ** (failures - freeFailures), longestWaitMs);
}

/**
 * Whether a password may be checked now, by the counts: the wait left (ms), or the counts with
 * this check under way.
 */
export function admit(guard: SignInGuard, now: Millis): { waitMs: Millis } | { guard: SignInGuard } {
  const here = fromAddressNow(guard.fromAddress, now);
  const anywhere = fromAnywhereNow(guard.fromAnywhere, now);
  const { freeFailures, accountFailuresPerHour, familiarMs } = SIGN_IN_LIMITS;
  const familiar = here.lastSuccessAt !== null && now - here.lastSuccessAt < familiarMs;
  if (here.failures >= freeFailures) {
    const until = here.lastFailureAt! + waitAfter(here.failures);
    if (now < until) return { waitMs: until - now };
    // The wait is over: one more try, not one for each request sent at once.
    if (here.pending > 0) return { waitMs: 1000 };
  } else if (here.pending >= (here.failures === 0 && familiar ? SIGN_IN_LIMITS.checksAtOnce : freeFailures - here.failures)) {
    // As many checks under way as failures left (an integration that signed in here without a
    // failure since may have a few more at once): the next waits for their outcome.
    return { waitMs: 1000 };
  }
  if (!familiar && anywhere.failures + anywhere.pending >= accountFailuresPerHour) return { waitMs: Math.max(1000, anywhere.since + HOUR - now) };
  return {
    guard: {
      fromAddress: { ...here, pending: here.pending + 1, pendingAt: now },
      fromAnywhere: { ...anywhere, pending: anywhere.pending + 1, pendingAt: now },
    },
  };
}

/**
 * The counts once an admitted check came out so (`abandoned`: it could not be made). A
 * failure of a check admitted with `admittedFailures` in a row brings the row to no more than
 * the free failures, or one more than there were: checks sent at once in the free allowance
 * cost the first wait, not the longest.
 */
export function settle(guard: SignInGuard, outcome: 'succeeded' | 'failed' | 'abandoned', now: Millis, admittedFailures = 0): SignInGuard {
  const here = fromAddressNow(guard.fromAddress, now);
  const anywhere = fromAnywhereNow(guard.fromAnywhere, now);
  const done = (count: SignInCount) => ({ ...count, pending: Math.max(0, count.pending - 1) });
  const failed = (count: SignInCount, most = Infinity) => ({
    ...count,
    failures: Math.min(count.failures + 1, most),
    since: count.failures === 0 ? now : count.since,
    lastFailureAt: now,
  });
  switch (outcome) {
    case 'succeeded':
      return { fromAddress: { ...done(here), failures: 0, since: now, lastSuccessAt: now }, fromAnywhere: done(anywhere) };
    case 'failed':
      return {
        fromAddress: failed(done(here), Math.max(SIGN_IN_LIMITS.freeFailures, admittedFailures + 1)),
        fromAnywhere: failed(done(anywhere)),
      };
    case 'abandoned':
      return { fromAddress: done(here), fromAnywhere: done(anywhere) };
  }
}

/** The record of sign-ins: a log line for each, and an event of the agent's record when there is an agent. */
export function signInRecord({ store, now, log }: { store: ChatStore; now: () => Millis; log: AuditLog }) {
  let nameKey: Promise<string> | undefined;
  /** A keyed hash of a folded user name: what the store counts, and what a log line says for a name no agent has. */
  // Folded as the stores fold user names: composed, in lower case.
  const accountOf = async (userName: string) => hmac(await (nameKey ??= store.serverSecret('sign-in-names')), userName.normalize('NFC').toLowerCase());

  async function record(
    kind: SignInEventKind,
    { agent, userName, origin, method, by, retryAfter }: { agent: AgentRecord | null; userName?: string; origin: RequestOrigin; method: string | null; by?: Actor; retryAfter?: number },
  ) {
    const at = now();
    log({
      time: new Date(at).toISOString(),
      event: 'auth',
      kind,
      account: agent?.userName ?? null,
      agent_id: agent?.id ?? null,
      ...(agent === null && userName !== undefined ? { account_hash: (await accountOf(userName)).slice(0, 16) } : {}),
      address: origin.address,
      method,
      request_id: origin.requestId,
      ...(by ? { by: by.kind === 'operator' ? 'admin' : by.agent.userName } : {}),
      ...(retryAfter !== undefined ? { retry_after: retryAfter } : {}),
    });
    if (!agent) return;
    // The agent's record is written in the order things happened, one write after another.
    const event = { agentId: agent.id, at, kind, method, address: origin.address, requestId: origin.requestId };
    const written = (recording = recording.then(() => store.addSignInEvent(event)));
    recording = recording.catch(() => {});
    await written;
  }
  let recording: Promise<void> = Promise.resolve();

  /**
   * A refused sign-in's record, not waited for: refusing an agent's name must take no longer
   * than refusing a name nobody has, which has no record to write.
   */
  const recordLater = (...args: Parameters<typeof record>) => void record(...args).catch(() => {});

  let guards = 0;

  /** A password check itself, once this process has room for it: admitted, hashed and counted within moments. */
  async function check(
    account: string,
    userName: string,
    origin: RequestOrigin,
    method: SignInMethod,
    find: () => Promise<AgentRecord | null>,
    verify: (agent: AgentRecord | null) => Promise<boolean>,
  ): Promise<AgentRecord> {
    const address = origin.address ?? 'unknown';
    let waitMs = 0;
    let admittedFailures = 0;
    await store.guardSignIn(account, address, (guard) => {
      const verdict = admit(guard, now());
      waitMs = 'waitMs' in verdict ? verdict.waitMs : 0;
      if ('guard' in verdict) admittedFailures = verdict.guard.fromAddress.failures;
      return 'guard' in verdict ? verdict.guard : null;
    });
    // Now and then, the counts that have seen nothing for a month go.
    if (++guards % 256 === 0) await store.forgetSignIns(now() - SIGN_IN_LIMITS.familiarMs);
    const agent = await find().catch(async (error) => {
      if (waitMs === 0) await store.guardSignIn(account, address, (guard) => settle(guard, 'abandoned', now()));
      throw error;
    });
    const known = agent && !agent.deleted && agent.passwordHash ? agent : null;
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      // Not waited for: an agent's name must not take longer to refuse than a name nobody has.
      recordLater('sign_in_throttled', { agent: known, userName, origin, method, retryAfter: seconds });
      throw throttled(seconds);
    }
    let ok: boolean;
    try {
      ok = await verify(known);
    } catch (error) {
      await store.guardSignIn(account, address, (guard) => settle(guard, 'abandoned', now()));
      throw error;
    }
    await store.guardSignIn(account, address, (guard) => settle(guard, ok && known ? 'succeeded' : 'failed', now(), admittedFailures));
    if (!ok || !known) {
      recordLater('sign_in_failed', { agent: known, userName, origin, method });
      throw unauthorized('wrongPassword');
    }
    await record('sign_in', { agent: known, origin, method });
    return known;
  }

  /** Password checks under way in this process, and those waiting for one to end. */
  let checking = 0;
  const waiting: (() => void)[] = [];
  async function slot(): Promise<() => void> {
    if (checking >= SIGN_IN_LIMITS.checksInProcess) {
      // A flood of sign-ins waits its turn rather than hashing all at once; beyond a queue's length, try again soon.
      if (waiting.length >= SIGN_IN_LIMITS.checksWaiting) throw unavailable('busy');
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
    checking++;
    return () => {
      checking--;
      waiting.shift()?.();
    };
  }

  return {
    record,

    /** Resolves once what was recorded so far is written. */
    settled: () => recording,

    /**
     * Checks a password under the throttle: `verify` (which hashes even for a name no agent
     * has) runs only when the counts allow it. The agent, or a refusal: 401, or 429 during a wait.
     */
    async guarded(
      userName: string,
      origin: RequestOrigin,
      method: SignInMethod,
      find: () => Promise<AgentRecord | null>,
      verify: (agent: AgentRecord | null) => Promise<boolean>,
    ): Promise<AgentRecord> {
      const account = await accountOf(userName);
      const release = await slot();
      try {
        return await check(account, userName, origin, method, find, verify);
      } finally {
        release();
      }
    },

  };
}

export type SignInRecord = ReturnType<typeof signInRecord>;
