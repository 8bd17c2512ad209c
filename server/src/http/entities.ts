/**
 * Records become the carriers the WebAPI answers: ChatSessionEntity, ChatTopicEntity,
 * Associate. Each walks its entity's field table; rights come from the rules, their reasons
 * in the caller's language.
 */
import {
  ChatMessageSpecialType,
  ChatMessageType,
  ChatSessionStatus,
  enumName,
  type OfflineRequest,
  type RatingSummary,
  type ChatMessage,
  chatSession,
  chatSessionFields,
  chatTopic,
  formatFlagNames,
  formatRequiredFields,
  formatTimeOfDay,
  formatWidgetFields,
  WEEKDAYS,
  recordKey,
  statusName,
  type Associate,
  type CannedReply,
  type ChatSessionEntity,
  type ChatOpeningHours,
  type ChatTopicEntity,
  type ChatTopicWidgetInfo,
  type ChatTopicWidgetSettings,
  type EntityDescriptor,
  type FieldProperties,
  type TableRight,
} from '@chatline/shared';
import { fieldRight, MANDATORY_TOPIC_FIELDS, mandatorySessionFields, tableRight, type Caller } from '../chat/rights.ts';
import type { SessionView } from '../chat/sessions.ts';
import type { AgentPresence } from '../chat/membership.ts';
import type { PublicTopic, TopicAvailability } from '../chat/topics.ts';
import type { LeftRequest } from '../chat/requests.ts';
import type { NamedRatings } from '../chat/ratings.ts';
import type { AgentRecord, CannedReplyRecord, MessageRecord, TopicAgentRecord, TopicRecord } from '../store/types.ts';
import { render, type Language } from './i18n.ts';

type CallerKind = Caller['kind'];

let lastMillis = Number.NaN;
let lastText = '';

/**
 * ISO 8601 with an explicit offset, as SuperOffice writes date-times. The last one is kept:
 * the creates of one moment all answer the same WhenRequested.
 */
export function formatDateTime(millis: number | null): string | null {
  if (millis === null) return null;
  if (millis !== lastMillis) {
    lastText = `${new Date(millis).toISOString().slice(0, -1)}+00:00`;
    lastMillis = millis;
  }
  return lastText;
}

/** An agent in the Associate shape of the reference sample. */
export function toAssociate(agent: AgentRecord): Associate {
  return {
    AssociateId: agent.id,
    Name: agent.userName,
    PersonId: agent.personId,
    Rank: agent.rank,
    Tooltip: agent.fullName,
    Type: agent.type,
    GroupIdx: agent.groupIdx,
    FullName: agent.fullName,
    FormalName: agent.fullName,
    Deleted: agent.deleted,
    EjUserId: agent.ejUserId,
    UserName: agent.userName,
  };
}

const tableRights: Record<CallerKind, TableRight> = {
  visitor: { Mask: tableRight('visitor'), Reason: '' },
  agent: { Mask: tableRight('agent'), Reason: '' },
};

const reasons = { computed: 'reasonComputed', agentOnly: 'reasonAgentOnly' } as const;

/** By the set of mandatory fields (the rights hand out the same sets), then by entity, caller and language. */
const fieldPropertiesCache = new WeakMap<ReadonlySet<string>, Map<string, FieldProperties>>();

/**
 * What each field allows this caller, built once per entity, kind of caller, set of mandatory
 * fields and language, and shared by every answer: the answer's writer serializes it once.
 */
export function fieldProperties(
  entity: EntityDescriptor,
  caller: CallerKind,
  mandatory: ReadonlySet<string>,
  language: Language,
): FieldProperties {
  let cached = fieldPropertiesCache.get(mandatory);
  if (!cached) fieldPropertiesCache.set(mandatory, (cached = new Map()));
  // One string per answer at most: most answers are in English to visitors of one entity.
  const key = entity === chatSession && caller === 'visitor' && language === 'en' ? 'common' : `${entity.name}:${caller}:${language}`;
  let properties = cached.get(key);
  if (!properties) {
    properties = {};
    for (const spec of entity.fields) {
      const right = fieldRight(spec, caller, mandatory.has(spec.name));
      properties[spec.name] = {
        FieldRight: { Mask: right.mask, Reason: right.reason ? render({ key: reasons[right.reason], args: [] }, language) : '' },
        FieldType: spec.fieldType,
        FieldLength: spec.maxLength ?? 0,
      };
    }
    cached.set(key, properties);
  }
  return properties;
}

export type EntityOptions = {
  caller: CallerKind;
  /** Base URL of the API for `_Links`, e.g. `https://chat.example.com`; none without it. */
  baseUrl?: string;
  /** The language of the field rights' reasons. */
  language: Language;
};

/** Each field with the record member that holds it, worked out once. */
const sessionFields = chatSessionFields.map((spec) => ({ spec, key: recordKey(spec) }));

function sessionValue({ spec, key }: (typeof sessionFields)[number], view: SessionView): unknown {
  const value = (view.session as unknown as Record<string, unknown>)[key];
  switch (spec.kind) {
    case 'datetime':
      return formatDateTime(value as number | null);
    case 'status':
      return statusName(value as number);
    case 'flags':
      return formatFlagNames(spec.flags ?? {}, value as number);
    case 'associate': {
      const agent = spec.name === 'User' ? view.user : view.transferTo;
      return agent ? toAssociate(agent) : null;
    }
    default:
      return spec.name === 'SessionKey' ? (view.sessionKey ?? null) : value;
  }
}

/**
 * Entities start as a copy of one of these shapes, so that V8 keeps them in its fast object
 * layout: an object given more than a dozen properties by computed name turns into a
 * dictionary, which costs several times more to fill, copy and serialize.
 */
const shapeOf = (names: readonly string[]): Record<string, unknown> => Object.fromEntries(names.map((name) => [name, null]));
const entityShape = shapeOf([...chatSessionFields.map((spec) => spec.name), 'TableRight', 'FieldProperties']);
const linkedEntityShape = shapeOf([...Object.keys(entityShape), '_Links']);

export function toSessionEntity(view: SessionView, options: EntityOptions): ChatSessionEntity {
  const entity = options.baseUrl === undefined ? { ...entityShape } : { ...linkedEntityShape };
  for (const field of sessionFields) entity[field.spec.name] = sessionValue(field, view);
  entity.TableRight = tableRights[options.caller];
  const mandatory = mandatorySessionFields(options.caller, view.topic);
  entity.FieldProperties = fieldProperties(chatSession, options.caller, mandatory, options.language);
  if (options.baseUrl !== undefined) {
    entity._Links = {
      Self: `${options.baseUrl}/api/v1/ChatSession/${view.session.id}`,
      Archive: `${options.baseUrl}/api/v1/ChatSession`,
    };
  }
  return entity as ChatSessionEntity;
}

/** A session in a list: its fields and its link; an archive's rows carry no rights. */
export function toSessionRow(view: SessionView, baseUrl: string): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const field of sessionFields) row[field.spec.name] = sessionValue(field, view);
  row._Links = { Self: `${baseUrl}/api/v1/ChatSession/${view.session.id}` };
  return row;
}

/** A message as the WebAPI writes it: enum names, the time with its offset. */
export function toChatMessage(message: MessageRecord): ChatMessage {
  return {
    ChatMessageId: message.id,
    ChatSessionId: message.sessionId,
    Type: enumName(ChatMessageType, message.type),
    Message: message.message,
    Author: message.author,
    ReadByCustomer: message.readByCustomer,
    SpecialType: enumName(ChatMessageSpecialType, message.specialType),
    SpecialParam: message.specialParam,
    WhenPosted: formatDateTime(message.whenPosted)!,
  };
}

/** A topic's canned reply. */
export const toCannedReply = (reply: CannedReplyRecord): CannedReply => ({
  CannedReplyId: reply.id,
  TopicId: reply.topicId,
  Name: reply.name,
  Text: reply.text,
});

/** A topic's member as SuperOffice's ChatTopicAgent carries it. */
export function toTopicAgent(member: TopicAgentRecord, agent: AgentRecord | null) {
  return {
    TopicId: member.topicId,
    User: agent ? toAssociate(agent) : null,
    CanListen: member.canListen,
    CanRespond: member.canRespond,
    CanManage: member.canManage,
    CanNotify: member.canNotify,
  };
}

/** An agent's presence as ChatPresence carries it. */
export function toChatPresence({ agent, ongoing, topicIds }: AgentPresence) {
  return {
    UserId: agent.id,
    DisplayName: agent.fullName || agent.userName,
    OngoingChats: ongoing,
    Present: agent.present,
    ChatTopics: topicIds,
    TableRight: null,
  };
}

/** An agent as an item of an MDO list (GetUserAgentList), grouped or not. */
export function toAgentListItem(agent: AgentRecord) {
  return {
    Id: agent.id,
    Name: agent.userName,
    ToolTip: agent.fullName,
    Deleted: agent.deleted,
    Rank: agent.rank,
    Type: 'associate',
    ChildItems: [],
    IconHint: agent.present ? 'present' : 'away',
    ColorBlock: 0,
    ExtraInfo: '',
    StyleHint: '',
    FullName: agent.fullName || agent.userName,
  };
}

/** The one group of GetUserAgentList when it is not flat. */
export const agentGroupItem = {
  Id: 0,
  Name: 'Agents',
  ToolTip: 'Agents',
  Deleted: false,
  Rank: 0,
  Type: 'group',
  ChildItems: [] as unknown[],
  IconHint: '',
  ColorBlock: 0,
  ExtraInfo: '',
  StyleHint: '',
  FullName: 'Agents',
};

/** The settings of a topic any page may read. */
function widgetSettings(topic: PublicTopic): ChatTopicWidgetSettings {
  return {
    ChatTopicId: topic.id,
    Name: topic.name,
    WelcomeMessage: topic.welcomeMessage,
    Language: topic.language,
    CollectConsent: topic.collectConsent,
    CustomQueueTextEnabled: topic.customQueueTextEnabled,
    CustomQueueText: topic.customQueueText,
    Widget: {
      RequiredFields: formatRequiredFields(topic.widgetRequiredFields),
      HiddenFields: formatWidgetFields(topic.widgetHiddenFields),
      WelcomeTitle: topic.widgetWelcomeTitle,
      WelcomeMessage: topic.widgetWelcomeMessage,
      Color: topic.widgetColor,
      ConsentText: topic.widgetConsentText,
      PrivacyPolicyUrl: topic.widgetPrivacyPolicyUrl,
      OfflineHeader: topic.widgetOfflineHeader,
      OfflineMessage: topic.widgetOfflineMessage,
      OfflineFields: formatRequiredFields(topic.widgetOfflineFields),
      PostFormEnabled: topic.widgetPostFormEnabled,
      PostFormHeader: topic.widgetPostFormHeader,
      PostFormMessage: topic.widgetPostFormMessage,
      PostTranscriptEnabled: topic.widgetPostTranscriptEnabled,
    },
    OfflineCollectConsent: topic.offlineCollectConsent,
    UseQueueOfflineForm: topic.useQueueOfflineForm,
    OfflineFormTimeLimit: topic.offlineFormTimeLimit,
    OfflineFormQueueLength: topic.offlineFormQueueLength,
    WidgetEnableRating: topic.widgetEnableRating,
    WidgetRatingText: topic.widgetRatingText,
  };
}

/** The part of a topic any page may read, as the widget reads it: its settings, and whether it can answer now. */
export function toTopicWidgetInfo(topic: PublicTopic, { open, agentsPresent, averageWaitMs, reopenWithinMs }: TopicAvailability): ChatTopicWidgetInfo {
  return {
    ...widgetSettings(topic),
    IsOpen: open,
    AgentsPresent: agentsPresent,
    AverageWaitSeconds: averageWaitMs === null ? null : Math.round(averageWaitMs / 1000),
    ReopenSeconds: Math.round(reopenWithinMs / 1000),
  };
}

/** ChatOpeningHours: times as .NET writes a TimeSpan, the zone as a TimeZoneData. */
function openingHours(topic: TopicRecord): ChatOpeningHours {
  const zone = topic.openingHoursTimeZone || 'UTC';
  const days = Object.fromEntries(
    WEEKDAYS.flatMap((day) => [
      [`${day}Enabled`, topic[`openingHours${day}Enabled`]],
      [`${day}Start`, formatTimeOfDay(topic[`openingHours${day}Start`])],
      [`${day}Stop`, formatTimeOfDay(topic[`openingHours${day}Stop`])],
    ]),
  );
  return {
    TzLocation: { TZLocationID: 0, Name: zone, TZLocationCode: zone, TZLocationCities: '' },
    ...days,
    UseLunchHours: topic.openingHoursUseLunchHours,
    LunchStart: formatTimeOfDay(topic.openingHoursLunchStart),
    LunchStop: formatTimeOfDay(topic.openingHoursLunchStop),
  } as ChatOpeningHours;
}

/** A topic as agents see and change it, in the field table's order, with its rights. */
export function toTopicEntity(topic: TopicRecord, { caller, language, baseUrl }: EntityOptions): ChatTopicEntity {
  const info = widgetSettings(topic);
  const entity = {
    ChatTopicId: info.ChatTopicId,
    Name: info.Name,
    Description: topic.description,
    WelcomeMessage: info.WelcomeMessage,
    Language: info.Language,
    CollectConsent: info.CollectConsent,
    CustomQueueTextEnabled: info.CustomQueueTextEnabled,
    CustomQueueText: info.CustomQueueText,
    OpeningHoursEnabled: topic.openingHoursEnabled,
    OpeningHours: openingHours(topic),
    AllowedOrigins: topic.allowedOrigins,
    Widget: info.Widget,
    OfflineCollectConsent: info.OfflineCollectConsent,
    UseQueueOfflineForm: info.UseQueueOfflineForm,
    OfflineFormTimeLimit: info.OfflineFormTimeLimit,
    OfflineFormQueueLength: info.OfflineFormQueueLength,
    WidgetEnableRating: info.WidgetEnableRating,
    WidgetRatingText: info.WidgetRatingText,
    TableRight: tableRights[caller],
    FieldProperties: fieldProperties(chatTopic, caller, MANDATORY_TOPIC_FIELDS, language),
  };
  if (baseUrl === undefined) return entity;
  return { ...entity, _Links: { Self: `${baseUrl}/api/v1/ChatTopic/${topic.id}`, Archive: `${baseUrl}/api/v1/ChatTopic` } };
}

/** A request a visitor left, as the agents' list shows it (OfflineRequest, our carrier). */
export function toOfflineRequest({ session, topicName, handledBy }: LeftRequest): OfflineRequest {
  return {
    ChatSessionId: session.id,
    TopicId: session.topicId,
    TopicName: topicName,
    Status: statusName(session.status),
    CustomerAlias: session.customerAlias,
    CustomerName: session.customerName,
    CustomerEmail: session.customerEmail,
    CustomerPhone: session.customerPhone,
    CustomerCompanyName: session.customerCompanyName,
    CustomerConsented: session.customerConsented,
    Question: session.status === ChatSessionStatus.RequestPosted ? session.firstMessage : session.lastMessage,
    WhenRequested: formatDateTime(session.whenRequested),
    WhenLeft: formatDateTime(session.requestLeftAt),
    Handled: session.requestHandledAt !== null,
    WhenHandled: formatDateTime(session.requestHandledAt),
    HandledBy: handledBy,
  };
}

/** An average as the console shows it: two decimals at most. */
const averageOf = (average: number) => Math.round(average * 100) / 100;

/** The ratings an agent may see (RatingSummary, our carrier). */
export function toRatingSummary({ topics, agents, recent, topicNames, agentNames }: NamedRatings): RatingSummary {
  return {
    Topics: topics.map(({ id, average, count }) => ({ TopicId: id, Name: topicNames.get(id) ?? '', Average: averageOf(average), Count: count })),
    Agents: agents.map(({ id, average, count }) => ({ AssociateId: id, Name: agentNames.get(id) ?? String(id), Average: averageOf(average), Count: count })),
    Recent: recent.map((session) => ({
      ChatSessionId: session.id,
      TopicId: session.topicId,
      TopicName: topicNames.get(session.topicId) ?? '',
      AgentName: session.userId === null ? null : (agentNames.get(session.userId) ?? null),
      CustomerAlias: session.customerAlias ?? session.customerName,
      Rating: session.rating,
      Comment: session.ratingComment,
      WhenRated: formatDateTime(session.whenRated),
    })),
  };
}
