/**
 * Who may do what in a topic: its members (SuperOffice's ChatTopicAgent) may listen in on its
 * chats, respond to them, manage them, and be notified. Responding and managing include
 * listening; managing includes responding. An agent may always follow and answer the chats it
 * has. The only code that writes memberships; each write is announced on the event bus.
 */
import type { AgentRecord, ChatStore, SessionRecord, TopicAgentRecord } from '../store/types.ts';
import { forbidden, invalid, notFound } from './errors.ts';
import type { EventBus } from './events.ts';
import { requireAgent, type Caller } from './rights.ts';

export type TopicRight = 'listen' | 'respond' | 'manage';

/** The topic every new agent can answer, so that a new install works with no further setup. */
export const DEFAULT_TOPIC_ID = 1;

export const fullRights = (topicId: number, agentId: number): TopicAgentRecord => ({
  topicId,
  agentId,
  canListen: true,
  canRespond: true,
  canManage: true,
  canNotify: true,
});

/** Whether a member's rights include this one. */
export function grants(member: TopicAgentRecord | null | undefined, right: TopicRight): boolean {
  if (!member) return false;
  if (right === 'manage') return member.canManage;
  if (right === 'respond') return member.canRespond || member.canManage;
  return member.canListen || member.canRespond || member.canManage;
}

/** An agent's presence as ChatPresence carries it: whether it is there, its chats under way, its topics. */
export type AgentPresence = { agent: AgentRecord; ongoing: number; topicIds: number[] };

export function membershipService({ store, bus }: { store: ChatStore; bus: EventBus }) {
  async function presenceOf(agent: AgentRecord): Promise<AgentPresence> {
    const [ongoing, topics] = await Promise.all([store.ongoingChats(agent.id), store.agentTopics(agent.id)]);
    return { agent, ongoing, topicIds: topics.map((member) => member.topicId) };
  }
  /** Whether GetChatPresence lists the agent: one that is there, in some topic. */
  const listed = (row: AgentPresence) => row.topicIds.length > 0 && !row.agent.deleted;

  const changed = (topicId: number) => bus.publish({ type: 'topic.updated', topicId });

  async function memberOf(agentId: number, topicId: number): Promise<TopicAgentRecord | null> {
    return (await store.agentTopics(agentId)).find((member) => member.topicId === topicId) ?? null;
  }

  /** The agent calling, if it has this right in the topic; a refusal (403) otherwise. */
  async function requireRight(caller: Caller, topicId: number, right: TopicRight): Promise<AgentRecord> {
    const agent = requireAgent(caller);
    if (!grants(await memberOf(agent.id, topicId), right)) throw forbidden(undefined, 'noTopicRight', right, topicId);
    return agent;
  }

  async function agentNamed(name: string): Promise<AgentRecord> {
    // SuperOffice's client names an agent by user name or by its id, as text.
    const agent = /^\d{1,9}$/.test(name) ? await store.getAgent(Number(name)) : await store.findAgent(name);
    if (!agent) throw notFound('agentNotFound', name.slice(0, 80));
    return agent;
  }

  async function topicOf(topicId: number) {
    const topic = Number.isSafeInteger(topicId) ? await store.getTopic(topicId) : null;
    if (!topic) throw notFound('topicNotFound', topicId);
    return topic;
  }

  return {
    requireRight,
    agentNamed,

    /** The agent calling, if it may do this with this session: its own chat, or the right in its topic. */
    async requireForSession(caller: Caller, session: SessionRecord, right: TopicRight): Promise<AgentRecord> {
      const agent = requireAgent(caller);
      if (right !== 'manage' && session.userId === agent.id) return agent;
      return requireRight(caller, session.topicId, right);
    },

    /** Whether the agent has this right in the topic. */
    async has(agentId: number, topicId: number, right: TopicRight): Promise<boolean> {
      return grants(await memberOf(agentId, topicId), right);
    },

    /** The topics the calling agent is a member of, with what it may do in each. */
    async mine(caller: Caller): Promise<TopicAgentRecord[]> {
      return store.agentTopics(requireAgent(caller).id);
    },

    async list(caller: Caller, topicId: number): Promise<TopicAgentRecord[]> {
      requireAgent(caller);
      await topicOf(topicId);
      return store.listTopicAgents(topicId);
    },

    async get(caller: Caller, topicId: number, name: string): Promise<TopicAgentRecord> {
      requireAgent(caller);
      await topicOf(topicId);
      const agent = await agentNamed(name);
      const member = await memberOf(agent.id, topicId);
      if (!member) throw notFound('notAMember', agent.userName, topicId);
      return member;
    },

    /** Adds a member, or changes what it may do: for the topic's managers. */
    async set(caller: Caller, member: TopicAgentRecord): Promise<TopicAgentRecord> {
      await topicOf(member.topicId);
      await requireRight(caller, member.topicId, 'manage');
      // A removed agent is in no topic, and cannot be put back in one.
      const agent = await store.getAgent(member.agentId);
      if (!agent || agent.deleted) throw invalid('unknownMember', member.agentId);
      await store.setTopicAgent(member);
      changed(member.topicId);
      return member;
    },

    /** Makes these the topic's members: for its managers. A manager cannot take away its own right to manage. */
    async replace(caller: Caller, topicId: number, members: readonly TopicAgentRecord[]): Promise<TopicAgentRecord[]> {
      await topicOf(topicId);
      const agent = await requireRight(caller, topicId, 'manage');
      if (!members.some((member) => member.agentId === agent.id && member.canManage)) {
        throw invalid('keepManaging', topicId);
      }
      for (const member of members) {
        const named = await store.getAgent(member.agentId);
        if (!named || named.deleted) throw invalid('unknownMember', member.agentId);
      }
      if (!(await store.replaceTopicAgents(topicId, members))) throw invalid('unknownMember', 0);
      changed(topicId);
      return store.listTopicAgents(topicId);
    },

    async remove(caller: Caller, topicId: number, name: string): Promise<void> {
      await topicOf(topicId);
      await requireRight(caller, topicId, 'manage');
      const agent = await agentNamed(name);
      if (!(await store.removeTopicAgent(topicId, agent.id))) throw notFound('notAMember', agent.userName, topicId);
      changed(topicId);
    },

    /** Every agent who is a member of a topic: whether it is there, its chats under way, its topics. */
    async presence(caller: Caller): Promise<AgentPresence[]> {
      requireAgent(caller);
      const rows = await Promise.all((await store.listAgents()).map(presenceOf));
      return rows.filter(listed);
    },

    /** One agent's presence, as GetChatPresence lists it; null for one it does not list. */
    async presenceOfAgent(agentId: number): Promise<AgentPresence | null> {
      const agent = await store.getAgent(agentId);
      const row = agent && (await presenceOf(agent));
      return row && listed(row) ? row : null;
    },

    /** An agent says whether it is there to take chats; only for itself. Announced when it changed. */
    async savePresence(caller: Caller, entries: readonly { agentId: number; present: boolean }[]): Promise<void> {
      const agent = requireAgent(caller);
      if (entries.some((entry) => entry.agentId !== agent.id)) throw forbidden(undefined, 'ownPresence');
      if (entries.length === 0) return;
      // The last entry is what it says now.
      const present = entries.at(-1)!.present;
      const before = await store.getAgent(agent.id);
      await store.setPresence(agent.id, present);
      if (before && before.present !== present) bus.publish({ type: 'agent.updated', agentId: agent.id });
    },

    /** Gives a new agent, or the maker of a new topic, every right in that topic. */
    async grantAll(topicId: number, agentId: number): Promise<void> {
      if (await store.setTopicAgent(fullRights(topicId, agentId))) changed(topicId);
    },
  };
}

export type MembershipService = ReturnType<typeof membershipService>;
