/**
 * Chat topics: what the widget needs to lay out its form, and which customer fields a topic
 * requires or leaves out. Names are SuperOffice's (ChatTopicEntity, ChatWidgetSettings).
 */
import { formatFlagNames, parseFlagNames } from './enums.ts';
import type { ChatSessionFieldName, FieldProperties, Links, TableRight } from './types.ts';

/** ChatWidgetRequiredFields: on the wire as names separated by commas, `"Email, Phone"`. */
export const ChatTopicRequiredFields = {
  Email: 1,
  Name: 2,
  Company: 4,
  Phone: 8,
} as const;
export type ChatTopicRequiredFieldName = keyof typeof ChatTopicRequiredFields;

/**
 * The fields of the widget's pre-chat form, as `Widget.HiddenFields` names them (our addition
 * to SuperOffice's settings): the required-field names with their bits, and Alias and Message.
 */
export const ChatWidgetFields = {
  ...ChatTopicRequiredFields,
  Alias: 32,
  Message: 64,
} as const;
export type ChatWidgetFieldName = keyof typeof ChatWidgetFields;

/** The ChatSession field each form-field flag stands for. */
export const widgetFieldTargets: Record<ChatWidgetFieldName, ChatSessionFieldName> = {
  Email: 'CustomerEmail',
  Name: 'CustomerName',
  Company: 'CustomerCompanyName',
  Phone: 'CustomerPhone',
  Alias: 'CustomerAlias',
  Message: 'FirstMessage',
};

/** A topic leaves the company out of its form unless it says otherwise (or requires it). */
export const DEFAULT_HIDDEN_FIELDS: number = ChatWidgetFields.Company;

export const parseRequiredFields = (input: unknown) => parseFlagNames(ChatTopicRequiredFields, input);
export const formatRequiredFields = (mask: number) => formatFlagNames(ChatTopicRequiredFields, mask);
export const parseWidgetFields = (input: unknown) => parseFlagNames(ChatWidgetFields, input);
export const formatWidgetFields = (mask: number) => formatFlagNames(ChatWidgetFields, mask);

/** The ChatSession fields a topic's mask requires, in the form's order. */
export function requiredCustomerFields(mask: number): ChatSessionFieldName[] {
  return (Object.keys(ChatTopicRequiredFields) as ChatTopicRequiredFieldName[])
    .filter((name) => (mask & ChatTopicRequiredFields[name]) !== 0)
    .map((name) => widgetFieldTargets[name]);
}

/** The ChatSession fields the form leaves out: the hidden ones, but never one the topic requires. */
export function hiddenCustomerFields(hiddenMask: number, requiredMask: number): ChatSessionFieldName[] {
  return (Object.keys(ChatWidgetFields) as ChatWidgetFieldName[])
    .filter((name) => (hiddenMask & ~requiredMask & ChatWidgetFields[name]) !== 0)
    .map((name) => widgetFieldTargets[name]);
}

/** The part of a topic's settings any page may read: what the widget shows and asks for. */
export type ChatTopicWidgetSettings = {
  ChatTopicId: number;
  Name: string;
  WelcomeMessage: string;
  Language: string;
  CollectConsent: boolean;
  CustomQueueTextEnabled: boolean;
  /** `{cque}` stands for the visitor's place in the queue, `{cavw}` for the average wait (hh:mm). */
  CustomQueueText: string;
  Widget: {
    RequiredFields: string;
    /** Form fields the widget does not ask for (a required field is asked all the same). */
    HiddenFields: string;
    WelcomeTitle: string;
    WelcomeMessage: string;
    Color: string;
    ConsentText: string;
    PrivacyPolicyUrl: string;
    OfflineHeader: string;
    OfflineMessage: string;
    /** What the offline form requires, as RequiredFields names them. */
    OfflineFields: string;
    PostFormEnabled: boolean;
    PostFormHeader: string;
    PostFormMessage: string;
    PostTranscriptEnabled: boolean;
  };
  OfflineCollectConsent: boolean;
  UseQueueOfflineForm: boolean;
  /** Minutes in the queue before the visitor is offered to leave a message instead (0: never). */
  OfflineFormTimeLimit: number;
  /** Visitors waiting beyond which a new one is offered to leave a message instead (0: never). */
  OfflineFormQueueLength: number;
  WidgetEnableRating: boolean;
  WidgetRatingText: string;
};

/** What the widget reads of a topic: its settings, and whether it can answer now (our additions). */
export type ChatTopicWidgetInfo = ChatTopicWidgetSettings & {
  /** Within its opening hours now (always, for a topic without them). */
  IsOpen: boolean;
  /** An agent who may respond in the topic is present. */
  AgentsPresent: boolean;
  /** How long the topic's latest chats waited to be picked up, on average; null before the first. */
  AverageWaitSeconds: number | null;
  /** How long after a chat ended its visitor may reopen it by writing again (0: never). */
  ReopenSeconds: number;
};

/** A request a visitor left for an answer later (our addition): through the offline form, or from the queue. */
export type OfflineRequest = {
  ChatSessionId: number;
  TopicId: number;
  TopicName: string;
  /** RequestPosted (the offline form) or ClosedFromQueue (left instead of waiting on). */
  Status: string;
  CustomerAlias: string | null;
  CustomerName: string | null;
  CustomerEmail: string | null;
  CustomerPhone: string | null;
  CustomerCompanyName: string | null;
  CustomerConsented: boolean;
  /** What the visitor asked. */
  Question: string | null;
  WhenRequested: string | null;
  WhenLeft: string | null;
  Handled: boolean;
  WhenHandled: string | null;
  /** The name of the agent who marked it handled. */
  HandledBy: string | null;
};

/** Ratings counted together, for a topic or an agent. */
export type RatingAverage = { Average: number | null; Count: number };

/** The ratings an agent may see (our addition): per topic and agent, and the latest. */
export type RatingSummary = {
  Topics: (RatingAverage & { TopicId: number; Name: string })[];
  Agents: (RatingAverage & { AssociateId: number; Name: string })[];
  Recent: {
    ChatSessionId: number;
    TopicId: number;
    TopicName: string;
    AgentName: string | null;
    CustomerAlias: string | null;
    Rating: number;
    Comment: string | null;
    WhenRated: string | null;
  }[];
};

/** SuperOffice's TimeZoneData, as the opening hours carry their zone: an IANA name here. */
export type TimeZoneData = { TZLocationID: number; Name: string; TZLocationCode: string; TZLocationCities: string };

/** ChatOpeningHours: per weekday `MonEnabled`, `MonStart`, `MonStop` (`HH:MM:SS`), and the lunch break. */
export type ChatOpeningHours = { TzLocation: TimeZoneData; UseLunchHours: boolean; LunchStart: string; LunchStop: string } & Record<
  `${'Mon' | 'Tue' | 'Wed' | 'Thu' | 'Fri' | 'Sat' | 'Sun'}${'Start' | 'Stop'}`,
  string
> &
  Record<`${'Mon' | 'Tue' | 'Wed' | 'Thu' | 'Fri' | 'Sat' | 'Sun'}Enabled`, boolean>;

/** A topic as agents see and change it. */
export type ChatTopicEntity = ChatTopicWidgetSettings & {
  Description: string;
  OpeningHoursEnabled: boolean;
  OpeningHours: ChatOpeningHours;
  /** Origins whose pages may request chats in the topic (our addition to SuperOffice's entity). */
  AllowedOrigins: string[];
  TableRight: TableRight;
  FieldProperties: FieldProperties;
  _Links?: Links;
};
