/**
 * Canned replies: the texts a topic's agents pick instead of typing them (ours: SuperOffice has
 * none for chat). Whoever may follow a topic's chats reads them; its managers write them. The
 * only code that writes them; each change is announced on the event bus once it is committed,
 * so that the consoles of the topic's agents read them again.
 */
import { cannedReply, readFields, type FieldProblem } from '@chatline/shared';
import type { CannedReplyDraft, CannedReplyRecord, CannedReplyWrite, ChatStore } from '../store/types.ts';
import { conflict, invalidFields, notFound } from './errors.ts';
import type { EventBus } from './events.ts';
import type { MembershipService, TopicRight } from './membership.ts';
import type { Caller } from './rights.ts';

/** The most replies a topic keeps: a list an agent can still look through. */
export const MAX_CANNED_REPLIES = 100;

/** A name is one line: none of the line breaks and tabs that a message may have. */
const LINE_BREAKS = /[\t\n\r]/;

/** A reply from a request's fields (names in any case): both its name and its text, trimmed; or the 400 it deserves. */
function readReply(fields: Record<string, unknown>): CannedReplyDraft {
  const { values, errors } = readFields(cannedReply, fields);
  const problems: FieldProblem[] = [...errors];
  for (const name of ['Name', 'Text']) {
    if (!problems.some((problem) => problem.Field === name) && (values[name] === undefined || values[name] === '')) problems.push({ Field: name, Code: 'required' });
  }
  if (typeof values.Name === 'string' && LINE_BREAKS.test(values.Name)) problems.push({ Field: 'Name', Code: 'characters' });
  if (problems.length > 0) throw invalidFields(cannedReply, problems);
  return { name: values.Name as string, text: values.Text as string };
}

export function cannedReplyService({ store, bus, members }: { store: ChatStore; bus: EventBus; members: MembershipService }) {
  /** The topic must exist, and the caller have the right in it: 404 before 403. */
  async function topicFor(caller: Caller, topicId: number, right: TopicRight) {
    if (!Number.isSafeInteger(topicId) || !(await store.getTopic(topicId))) throw notFound('topicNotFound', topicId);
    await members.requireRight(caller, topicId, right);
  }

  function saved(topicId: number, write: CannedReplyWrite, name: string, id?: number): CannedReplyRecord {
    switch (write.outcome) {
      case 'saved':
        bus.publish({ type: 'topic.cannedReplies', topicId });
        return write.reply;
      case 'missing':
        throw id === undefined ? notFound('topicNotFound', topicId) : notFound('cannedReplyNotFound', id, topicId);
      case 'taken':
        throw conflict('cannedReplyNameTaken', name, topicId);
      case 'full':
        throw conflict('cannedRepliesFull', topicId, MAX_CANNED_REPLIES);
    }
  }

  return {
    /** A topic's replies, by name: for whoever may follow its chats. */
    async list(caller: Caller, topicId: number): Promise<CannedReplyRecord[]> {
      await topicFor(caller, topicId, 'listen');
      return store.listCannedReplies(topicId);
    },

    /** Adds a reply: for the topic's managers. */
    async create(caller: Caller, topicId: number, fields: Record<string, unknown>): Promise<CannedReplyRecord> {
      await topicFor(caller, topicId, 'manage');
      const draft = readReply(fields);
      return saved(topicId, await store.createCannedReply(topicId, draft, { limit: MAX_CANNED_REPLIES }), draft.name);
    },

    /** Replaces a reply's name and text: for the topic's managers. */
    async replace(caller: Caller, topicId: number, id: number, fields: Record<string, unknown>): Promise<CannedReplyRecord> {
      await topicFor(caller, topicId, 'manage');
      const draft = readReply(fields);
      if (!Number.isSafeInteger(id)) throw notFound('cannedReplyNotFound', id, topicId);
      return saved(topicId, await store.updateCannedReply(topicId, id, draft), draft.name, id);
    },

    async delete(caller: Caller, topicId: number, id: number): Promise<void> {
      await topicFor(caller, topicId, 'manage');
      if (!Number.isSafeInteger(id) || !(await store.deleteCannedReply(topicId, id))) throw notFound('cannedReplyNotFound', id, topicId);
      bus.publish({ type: 'topic.cannedReplies', topicId });
    },
  };
}

export type CannedReplyService = ReturnType<typeof cannedReplyService>;
