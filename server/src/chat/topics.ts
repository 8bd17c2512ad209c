/**
 * Chat topics: what a visitor asks about, how the widget looks for it and which pages may use
 * it. Agents manage them; any page may read the part the widget shows. The only code that
 * writes topics; each write is announced on the event bus once it is committed.
 */
import { ChatTopicRequiredFields, DEFAULT_HIDDEN_FIELDS, WEEKDAYS, chatTopic, chatTopicFields, readFields, recordKey, type FieldProblem, type FieldValues } from '@chatline/shared';
import type { ChatStore, Millis, TopicDraft, TopicRecord } from '../store/types.ts';
import { conflict, invalidFields, notFound } from './errors.ts';
import type { EventBus } from './events.ts';
import type { MembershipService } from './membership.ts';
import { isOpen } from './opening-hours.ts';
import { requireAgent, type Caller } from './rights.ts';

const HOUR = 3600;

/** What a topic is when nothing is said about it; a replacement starts from these too. */
export const topicDefaults: Readonly<TopicDraft> = Object.freeze({
  name: '',
  description: '',
  welcomeMessage: '',
  language: '',
  collectConsent: true,
  allowedOrigins: [],
  widgetRequiredFields: 0,
  widgetHiddenFields: DEFAULT_HIDDEN_FIELDS,
  widgetWelcomeTitle: '',
  widgetWelcomeMessage: '',
  widgetColor: '',
  widgetConsentText: '',
  widgetPrivacyPolicyUrl: '',
  widgetOfflineHeader: '',
  widgetOfflineMessage: '',
  // An offline request is answered by email: the form asks for one.
  widgetOfflineFields: ChatTopicRequiredFields.Email,
  widgetPostFormEnabled: true,
  widgetPostFormHeader: '',
  widgetPostFormMessage: '',
  widgetPostTranscriptEnabled: true,
  customQueueTextEnabled: false,
  customQueueText: '',
  // Open at all hours until a manager sets hours; then weekdays 08:00 to 16:00 to start from.
  openingHoursEnabled: false,
  openingHoursTimeZone: '',
  ...(Object.fromEntries(
    WEEKDAYS.flatMap((day) => [
      [`openingHours${day}Enabled`, day !== 'Sat' && day !== 'Sun'],
      [`openingHours${day}Start`, 8 * HOUR],
      [`openingHours${day}Stop`, 16 * HOUR],
    ]),
  ) as Pick<TopicDraft, `openingHours${(typeof WEEKDAYS)[number]}${'Enabled' | 'Start' | 'Stop'}`>),
  openingHoursUseLunchHours: false,
  openingHoursLunchStart: 11.5 * HOUR,
  openingHoursLunchStop: 12 * HOUR,
  offlineCollectConsent: true,
  // A visitor who has waited five minutes may leave a message instead.
  useQueueOfflineForm: true,
  offlineFormTimeLimit: 5,
  offlineFormQueueLength: 0,
  widgetEnableRating: true,
  widgetRatingText: '',
});

/** A topic from validated values by the field table, nested Widget settings included; the rest defaults. */
function draftOf(values: FieldValues): TopicDraft {
  const draft: Record<string, unknown> = { ...topicDefaults, allowedOrigins: [] };
  for (const spec of chatTopicFields) {
    if (spec.writer === 'server') continue;
    const value = values[spec.name];
    if (value === undefined) continue;
    if (!spec.fields) draft[recordKey(spec)] = value;
    else for (const inner of spec.fields) if ((value as FieldValues)[inner.name] !== undefined) draft[recordKey(inner)] = (value as FieldValues)[inner.name];
  }
  return draft as TopicDraft;
}

/** The rules between a topic's fields: each open day and the lunch break end after they start; counts are not negative. */
function settingsProblems(draft: TopicDraft, errors: readonly FieldProblem[]): FieldProblem[] {
  const found: FieldProblem[] = [];
  const failed = (field: string) => errors.some((error) => error.Field === field);
  const order = (enabled: boolean, start: number, stop: number, field: string) => {
    if (enabled && start >= stop && !failed(field)) found.push({ Field: field, Code: 'stop_before_start' });
  };
  for (const day of WEEKDAYS) {
    order(draft[`openingHours${day}Enabled`], draft[`openingHours${day}Start`], draft[`openingHours${day}Stop`], `OpeningHours/${day}Stop`);
  }
  order(draft.openingHoursUseLunchHours, draft.openingHoursLunchStart, draft.openingHoursLunchStop, 'OpeningHours/LunchStop');
  for (const [field, value] of [
    ['OfflineFormTimeLimit', draft.offlineFormTimeLimit],
    ['OfflineFormQueueLength', draft.offlineFormQueueLength],
  ] as const) {
    if (value < 0 && !failed(field)) found.push({ Field: field, Code: 'negative' });
  }
  return found;
}

/** Validates a topic body (SuperOffice names in any case, Widget nested), or throws the 400 it deserves. */
function readTopic(fields: Record<string, unknown>): TopicDraft {
  const { values, errors } = readFields(chatTopic, fields);
  const draft = draftOf(values);
  errors.push(...settingsProblems(draft, errors));
  if (draft.name === '' && !errors.some((error) => error.Field === 'Name')) errors.push({ Field: 'Name', Code: 'required' });
  if (errors.length > 0) throw invalidFields(chatTopic, errors);
  return draft;
}

/** What any page may read of a topic: what the widget shows and asks for, not its description or origins. */
export type PublicTopic = Omit<TopicRecord, 'description' | 'allowedOrigins'>;

/** Whether a topic can answer now: open by its hours, and with an agent there who may respond. */
export type TopicAvailability = {
  open: boolean;
  agentsPresent: boolean;
  /** How long the topic's last picked-up chats waited, on average; null before the first. */
  averageWaitMs: number | null;
  /** How long after a chat ended its visitor may reopen it by writing again. */
  reopenWithinMs: number;
};

/** The average wait is of this many of the topic's latest chats picked up. */
const WAITS_AVERAGED = 50;

export function topicService({
  store,
  bus,
  members,
  now,
  reopenWithinMs = 0,
}: {
  store: ChatStore;
  bus: EventBus;
  members: MembershipService;
  now: () => Millis;
  reopenWithinMs?: number;
}) {
  const publish = (type: 'topic.created' | 'topic.updated' | 'topic.deleted', topicId: number) => bus.publish({ type, topicId });

  async function find(id: number): Promise<TopicRecord> {
    const topic = Number.isSafeInteger(id) ? await store.getTopic(id) : null;
    if (!topic) throw notFound('topicNotFound', id);
    return topic;
  }

  return {
    async list(caller: Caller): Promise<TopicRecord[]> {
      requireAgent(caller);
      return store.listTopics();
    },

    async read(caller: Caller, id: number): Promise<TopicRecord> {
      requireAgent(caller);
      return find(id);
    },

    /** For anyone: what the widget shows and asks for, and whether the topic can answer now. */
    async readPublic(id: number): Promise<PublicTopic & TopicAvailability> {
      const { description: _description, allowedOrigins: _origins, ...shown } = await find(id);
      const [agentsPresent, averageWaitMs] = await Promise.all([this.agentsPresent(id), store.averageWait(id, WAITS_AVERAGED)]);
      return { ...shown, open: isOpen(shown, now()), agentsPresent, averageWaitMs, reopenWithinMs };
    },

    /** For anyone: whether the topic is within its opening hours now (always, when it uses none). */
    async isOpen(id: number): Promise<boolean> {
      return isOpen(await find(id), now());
    },

    /** Whether an agent who may respond in the topic is there (present, and still on the team). */
    async agentsPresent(id: number): Promise<boolean> {
      const responders = (await store.listTopicAgents(id)).filter((member) => member.canRespond);
      const agents = await Promise.all(responders.map((member) => store.getAgent(member.agentId)));
      return agents.some((agent) => agent !== null && agent.present && !agent.deleted);
    },

    /** A new topic with default values, not saved. */
    defaults(caller: Caller): TopicRecord {
      requireAgent(caller);
      return { id: 0, ...topicDefaults, allowedOrigins: [] };
    },

    async create(caller: Caller, fields: Record<string, unknown>): Promise<TopicRecord> {
      const agent = requireAgent(caller);
      const topic = await store.createTopic(readTopic(fields));
      publish('topic.created', topic.id);
      // Whoever makes a topic may do everything in it, and say who else may.
      await members.grantAll(topic.id, agent.id);
      return topic;
    },

    /** Replaces a topic, for its managers: what the fields leave out takes its default. */
    async replace(caller: Caller, id: number, fields: Record<string, unknown>): Promise<TopicRecord> {
      // No such topic is said before anything about the caller's rights or the fields.
      requireAgent(caller);
      await find(id);
      await members.requireRight(caller, id, 'manage');
      const topic = await store.updateTopic(id, readTopic(fields));
      if (!topic) throw notFound('topicNotFound', id);
      publish('topic.updated', topic.id);
      return topic;
    },

    /** Deletes a topic, for its managers; one that still has sessions is kept: delete or move them first. */
    async delete(caller: Caller, id: number): Promise<void> {
      requireAgent(caller);
      if (Number.isSafeInteger(id)) {
        await find(id);
        await members.requireRight(caller, id, 'manage');
      }
      const result = Number.isSafeInteger(id) ? await store.deleteTopic(id) : 'missing';
      if (result === 'missing') throw notFound('topicNotFound', id);
      if (result === 'in_use') throw conflict('topicInUse', id);
      publish('topic.deleted', id);
    },
  };
}

export type TopicService = ReturnType<typeof topicService>;
