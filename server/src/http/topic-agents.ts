/** A topic's members (ChatTopicAgent) as the WebAPI reads and writes them. */
import { member } from '@chatline/shared';
import type { Chat } from '../chat/index.ts';
import type { TopicAgentRecord } from '../store/types.ts';
import { toTopicAgent } from './entities.ts';
import { badRequest } from './errors.ts';

/** Members with their agents, as ChatTopicAgent carries them. */
export const topicAgentAnswers = (chat: Chat, list: readonly TopicAgentRecord[]) =>
  Promise.all(list.map(async (membership) => toTopicAgent(membership, await chat.agents.byId(membership.agentId))));

/**
 * A ChatTopicAgent from a request, as SuperOffice's client sends it (`{"topicId": 2, "user":
 * {"associateId": 5}, "canListen": true, …}`, any case): its agent by `user.associateId`, else
 * by `user.userName`, unless the path names it.
 */
export async function readTopicAgent(chat: Chat, value: unknown, topicId: number, agentId?: number): Promise<TopicAgentRecord> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badRequest('argument', 'useragent');
  const entry = value as Record<string, unknown>;
  let id = agentId;
  const user = member(entry, 'user');
  if (id === undefined && typeof user === 'object' && user !== null) {
    const byId = member(user as Record<string, unknown>, 'associateId');
    const byName = member(user as Record<string, unknown>, 'userName') ?? member(user as Record<string, unknown>, 'name');
    if (Number.isSafeInteger(byId) && (byId as number) > 0) id = byId as number;
    else if (typeof byName === 'string') id = (await chat.members.agentNamed(byName)).id;
  }
  if (id === undefined) throw badRequest('argument', 'useragent.user');
  const flag = (name: string) => member(entry, name) === true;
  return { topicId, agentId: id, canListen: flag('canListen'), canRespond: flag('canRespond'), canManage: flag('canManage'), canNotify: flag('canNotify') };
}
