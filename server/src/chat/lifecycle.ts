/** Where a session is in its life, and the messages that mark its turns. */
import { ChatMessageSpecialType, ChatMessageType, ChatSessionStatus } from '@chatline/shared';
import type { AgentRecord, MessageDraft, Millis, SessionRecord } from '../store/types.ts';

/** A session in one of these is over: nothing more can be said in it. */
const ENDED: ReadonlySet<number> = new Set([
  ChatSessionStatus.Finished,
  ChatSessionStatus.Deleted,
  ChatSessionStatus.Closed,
  ChatSessionStatus.RequestPosted,
  ChatSessionStatus.ClosedFromQueue,
]);

export const hasEnded = (status: number) => ENDED.has(status);

/** Who the visitor is to the agent: their display name, else their name. */
export const visitorName = (session: SessionRecord) => session.customerAlias ?? session.customerName ?? 'Visitor';
/** Who the agent is to the visitor. */
export const agentName = (agent: AgentRecord) => agent.fullName || agent.userName;

/** The Special message that says who ended the chat; its words are for the other side's client to choose. */
export function closingMessage(by: 'agent' | 'visitor', author: string, whenPosted: Millis): MessageDraft {
  return {
    type: ChatMessageType.Special,
    message: by === 'agent' ? 'The agent ended the chat.' : 'The visitor ended the chat.',
    author,
    readByCustomer: by === 'visitor' ? 1 : 0,
    specialType: by === 'agent' ? ChatMessageSpecialType.ClosedByUser : ChatMessageSpecialType.ClosedByCustomer,
    specialParam: null,
    whenPosted,
  };
}
