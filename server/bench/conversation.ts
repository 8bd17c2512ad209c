/**
 * The conversation's figures: how fast a message reaches the visitor, how many a server
 * stores, what an idle stream costs, and how soon ten thousand waiting visitors learn their
 * new places. The visitors' streams are real HTTP streams from this process, each read as
 * EventSource reads it; they come from many loopback addresses, as visitors come from many
 * addresses, since one address may hold only a few streams.
 */
import { readFileSync } from 'node:fs';
import { request, type ClientRequest } from 'node:http';
import { inProcessBus } from '../src/chat/events.ts';
import { createChat } from '../src/chat/index.ts';
import { MAX_STREAMS_PER_CLIENT } from '../src/chat/streams.ts';
import { openStore } from '../src/store/open.ts';

export type Frame = { event: string; data: Record<string, unknown> };

/** One visitor's stream, its frames handed to `onFrame` as they arrive. */
export type VisitorStream = { close(): void };

/** An agent that may answer the default topic, and its Bearer token, added to the database before the server opens it. */
export async function addAgent(dbPath: string): Promise<string> {
  const { store, channel } = await openStore(dbPath);
  await channel?.close();
  try {
    const chat = createChat({ store, bus: inProcessBus() });
    const agent = await chat.agents.add({ userName: 'bench', password: 'bench-password', fullName: 'Bench Agent' });
    return `Bearer ${await chat.agents.createToken(agent)}`;
  } finally {
    await store.close();
  }
}

export type Visitor = { id: number; key: string };

/** `count` visitors ask for a chat, `parallel` at a time. */
export async function createVisitors(url: string, count: number, parallel = 64): Promise<Visitor[]> {
  const visitors: Visitor[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (let i = next++; i < count; i = next++) {
        const response = await fetch(`${url}/api/v1/ChatSession`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ TopicId: 1, CustomerAlias: `visitor${i}`, CustomerConsented: true }),
        });
        if (response.status !== 200) throw new Error(`create answered ${response.status}: ${await response.text()}`);
        const body = (await response.json()) as { ChatSessionId: number; SessionKey: string };
        visitors[i] = { id: body.ChatSessionId, key: body.SessionKey };
      }
    }),
  );
  return visitors;
}

/** Runs `task` for every item, `parallel` at a time. */
export async function eachInParallel<T>(items: T[], parallel: number, task: (item: T, index: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) await task(items[i]!, i);
    }),
  );
}

/** An agent's request; fails on any answer but 200. */
export async function asAgent(url: string, auth: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: auth, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status !== 200) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

/** The loopback address of the n-th visitor: a few visitors to an address, as the server allows. */
const addressOf = (n: number) => {
  const host = Math.floor(n / MAX_STREAMS_PER_CLIENT) + 2;
  return `127.0.${Math.floor(host / 250)}.${(host % 250) + 2}`;
};

/** Opens the n-th visitor's stream; resolves once the server has answered with the stream. */
export function openStream(url: string, visitor: Visitor, n: number, onFrame: (frame: Frame) => void): Promise<VisitorStream> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req: ClientRequest = request(
      {
        host: hostname,
        port,
        path: `/api/v1/ChatSession/${visitor.id}/Events`,
        localAddress: addressOf(n),
        headers: { accept: 'text/event-stream', 'x-chat-session-key': visitor.key },
        agent: false,
      },
      (response) => {
        if (response.statusCode !== 200) {
          reject(new Error(`stream ${visitor.id} answered ${response.statusCode}`));
          response.resume();
          return;
        }
        response.setEncoding('utf8');
        let buffer = '';
        response.on('data', (chunk: string) => {
          buffer += chunk;
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            let event = 'message';
            let data: string | null = null;
            for (const line of block.split('\n')) {
              if (line.startsWith('event: ')) event = line.slice(7);
              else if (line.startsWith('data: ')) data = line.slice(6);
            }
            if (data !== null) onFrame({ event, data: JSON.parse(data) as Record<string, unknown> });
          }
        });
        response.on('error', () => {});
        resolve({ close: () => req.destroy() });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** The server process's resident memory now, in bytes. */
export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The p-th percentile of the values. */
export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

/**
 * Message latency: `streams` visitors in chats an agent has picked up, each with its stream
 * open; the agent sends `rate` messages a second, round the chats, for `seconds`. Each
 * message's time runs from just before its POST to its arrival on the visitor's stream.
 */
export async function messageLatency(
  url: string,
  auth: string,
  { streams, rate, seconds, streamUrl = url }: { streams: number; rate: number; seconds: number; /** Where the visitors' streams are open, when not on `url`. */ streamUrl?: string },
) {
  const visitors = await createVisitors(url, streams);
  await eachInParallel(visitors, 32, async (visitor) => void (await asAgent(url, auth, 'POST', `/api/v1/ChatSession/${visitor.id}/Pickup`)));
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let duplicates = 0;
  const open = await Promise.all(
    visitors.map((visitor, n) =>
      openStream(streamUrl, visitor, n, (frame) => {
        if (frame.event !== 'message') return;
        const text = String(frame.data.Message);
        const sent = sentAt.get(text);
        if (sent === undefined) return;
        if (sent < 0) duplicates++;
        else latencies.push(performance.now() - sent);
        sentAt.set(text, -1);
      }),
    ),
  );
  await pause(500);
  const total = rate * seconds;
  const started = performance.now();
  const posts: Promise<unknown>[] = [];
  for (let i = 0; i < total; i++) {
    // Each message leaves at its own time on the schedule, not in bursts.
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await pause(wait);
    const text = `bench message ${i}`;
    const visitor = visitors[i % visitors.length]!;
    sentAt.set(text, performance.now());
    posts.push(asAgent(url, auth, 'POST', `/api/v1/ChatSession/${visitor.id}/Messages`, { Message: text }));
  }
  await Promise.all(posts);
  const deadline = performance.now() + 5000;
  while (latencies.length < total && performance.now() < deadline) await pause(20);
  for (const stream of open) stream.close();
  return {
    sent: total,
    received: latencies.length,
    duplicates,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    /** The chats picked up, for more load. */
    sessionIds: visitors.map((visitor) => visitor.id),
  };
}

/**
 * Idle streams and a moving queue: `count` visitors wait, each with its stream open. The
 * server's memory is taken with none open and with all open; then an agent picks up the
 * first, and the time runs until every other visitor has been told their new place.
 */
export async function idleStreamsAndPickup(url: string, auth: string, pid: number, count: number) {
  const visitors = await createVisitors(url, count);
  await pause(1000);
  const before = rssOf(pid);
  const place = new Map<number, number>();
  const moved = new Set<number>();
  let allMoved!: () => void;
  const everyoneMoved = new Promise<void>((resolve) => (allMoved = resolve));
  const streams: VisitorStream[] = [];
  await eachInParallel(visitors, 100, async (visitor, n) => {
    streams.push(
      await openStream(url, visitor, n, (frame) => {
        if (frame.event !== 'state') return;
        const position = frame.data.QueuePosition as number | null;
        const first = place.get(visitor.id);
        if (first === undefined) {
          if (position !== null) place.set(visitor.id, position);
        } else if (position === first - 1 && !moved.has(visitor.id)) {
          moved.add(visitor.id);
          if (moved.size === count - 1) allMoved();
        }
      }),
    );
  });
  while (place.size < count) await pause(20);
  await pause(2000);
  const after = rssOf(pid);
  const started = performance.now();
  const taken = (await asAgent(url, auth, 'POST', '/api/v1/ChatSession/Pickup')) as { ChatSessionId: number };
  if (taken.ChatSessionId !== visitors[0]!.id) throw new Error(`picked up ${taken.ChatSessionId}, not the first`);
  const timeout = pause(10_000).then(() => 'timeout' as const);
  const outcome = await Promise.race([everyoneMoved.then(() => 'moved' as const), timeout]);
  const allToldMs = performance.now() - started;
  for (const stream of streams) stream.close();
  return {
    streams: streams.length,
    bytesPerStream: (after - before) / count,
    rssBeforeMb: before / 1e6,
    rssAfterMb: after / 1e6,
    told: moved.size,
    allToldMs: outcome === 'moved' ? allToldMs : Number.POSITIVE_INFINITY,
  };
}
