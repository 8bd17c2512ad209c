/**
 * The entities' field tables: one descriptor per entity (ChatSession, ChatTopic), each a list
 * of fields in the WebAPI's order. Types, validation, rights, FieldProperties, `$select`, XML
 * order and the store's columns all come from here: a field is added in one place.
 */
import { ChatMessageSpecialType, ChatMessageType, ChatSessionFlagMasks } from './enums.ts';
import { ChatTopicRequiredFields, ChatWidgetFields } from './topic.ts';

export type FieldKind =
  | 'int32'
  | 'string'
  | 'bool'
  | 'datetime'
  | 'status'
  | 'flags'
  | 'associate'
  | 'reference'
  | 'origins'
  | 'object'
  | 'enum'
  /** A time of day (.NET TimeSpan): `HH:MM:SS` on the wire, seconds since midnight stored. */
  | 'duration'
  /** A time zone: SuperOffice's TimeZoneData on the wire, its IANA name (`Europe/Oslo`) stored. */
  | 'timezone';

/**
 * Who may write a field: `server` values are always computed and ignored when sent,
 * `agent` needs credentials, `customer` an anonymous visitor may set too.
 */
export type FieldWriter = 'server' | 'agent' | 'customer';

/** A rule for the text of a string field, beyond its length. */
export type FieldFormat = 'email' | 'phone' | 'language' | 'color' | 'url';

export type FieldSpec = {
  /** The wire name, as the WebAPI spells it. */
  readonly name: string;
  /**
   * The member of the stored record that holds it (the store derives its column from it);
   * by default the name with a lower-case first letter. See `recordKey`.
   */
  readonly key?: string;
  readonly kind: FieldKind;
  readonly writer: FieldWriter;
  /** Whether null is a valid value on the wire. */
  readonly nullable: boolean;
  /** For strings: the most characters the column holds (SuperOffice's schema). */
  readonly maxLength?: number;
  /** For strings: the fewest characters (a password's). */
  readonly minLength?: number;
  /** For lists: the most items. */
  readonly maxItems?: number;
  readonly format?: FieldFormat;
  /** For flags: each name's bit. For an enum: each name's value. */
  readonly flags?: Readonly<Record<string, number>>;
  /** For objects: their own fields. */
  readonly fields?: readonly FieldSpec[];
  /** FieldProperties' FieldType: the .NET type name SuperOffice reports. */
  readonly fieldType: string;
};

export type EntityDescriptor = {
  /** The resource's name: `ChatSession`. */
  readonly name: string;
  /** The carrier's type name, the root of its XML: `ChatSessionEntity`. */
  readonly xmlRoot: string;
  readonly fields: readonly FieldSpec[];
  /** The field for a wire name in any case (`customerEmail`), or undefined. */
  field(name: string): FieldSpec | undefined;
  /** The field at a path into nested objects (`widget/color`), as field problems name them. */
  fieldAt(path: string): FieldSpec | undefined;
};

/** A descriptor whose lookups are built on first use, so a bundle that never looks fields up leaves them out. */
export function defineEntity(name: string, xmlRoot: string, fields: readonly FieldSpec[]): EntityDescriptor {
  let byName: Map<string, FieldSpec> | undefined;
  let byLowerName: Map<string, FieldSpec> | undefined;
  return {
    name,
    xmlRoot,
    fields,
    fieldAt(path) {
      const slash = path.indexOf('/');
      if (slash < 0) return this.field(path);
      const spec = this.field(path.slice(0, slash));
      return spec?.fields ? nestedEntity(spec).fieldAt(path.slice(slash + 1)) : undefined;
    },
    field(wireName) {
      byName ??= new Map(fields.map((spec) => [spec.name, spec]));
      byLowerName ??= new Map(fields.map((spec) => [spec.name.toLowerCase(), spec]));
      // Most clients spell names as the WebAPI does: that lookup needs no new lower-case string.
      return byName.get(wireName) ?? byLowerName.get(wireName.toLowerCase());
    },
  };
}

const nestedEntities = /* @__PURE__ */ new WeakMap<FieldSpec, EntityDescriptor>();

/** The fields of an object-valued field (a topic's Widget), as a descriptor of their own. */
export function nestedEntity(spec: FieldSpec): EntityDescriptor {
  let entity = nestedEntities.get(spec);
  if (!entity) nestedEntities.set(spec, (entity = defineEntity(spec.name, spec.fieldType, spec.fields ?? [])));
  return entity;
}

const int32 = 'System.Int32';
const text = 'System.String';
const bool = 'System.Boolean';

/** What checking a text needs of its field: the widget carries only this of its few fields. */
export type TextSpec = Pick<FieldSpec, 'name' | 'nullable' | 'maxLength' | 'format'>;

/**
 * The text a visitor types into the pre-chat form. The widget checks these by the same specs
 * without carrying the whole table (its size is a feature).
 */
export const visitorTextFields = {
  CustomerAlias: { name: 'CustomerAlias', nullable: true, maxLength: 64 },
  CustomerName: { name: 'CustomerName', nullable: true, maxLength: 255 },
  CustomerEmail: { name: 'CustomerEmail', nullable: true, maxLength: 255, format: 'email' },
  CustomerPhone: { name: 'CustomerPhone', nullable: true, maxLength: 32, format: 'phone' },
  CustomerCompanyName: { name: 'CustomerCompanyName', nullable: true, maxLength: 255 },
  FirstMessage: { name: 'FirstMessage', nullable: true, maxLength: 1024 },
} as const satisfies Record<string, TextSpec>;

/** A visitor's text field in the table: what the widget checks, and what the server adds. */
const visitorText = (spec: TextSpec): FieldSpec => ({ ...spec, kind: 'string', writer: 'customer', fieldType: text });

/**
 * The specs of a table, each with every member in one order (absent ones undefined): code that
 * walks a table on every request reads the same members of objects of one shape, which V8
 * keeps fast, rather than of a dozen shapes.
 */
const table = (specs: readonly FieldSpec[]): readonly FieldSpec[] =>
  specs.map((spec) => ({
    name: spec.name,
    key: spec.key,
    kind: spec.kind,
    writer: spec.writer,
    nullable: spec.nullable,
    maxLength: spec.maxLength,
    minLength: spec.minLength,
    maxItems: spec.maxItems,
    format: spec.format,
    flags: spec.flags,
    fields: spec.fields,
    fieldType: spec.fieldType,
  }));

/** The ChatSession fields, in the reference page's order, which is also the XML element order. */
export const chatSessionFields: readonly FieldSpec[] = /* @__PURE__ */ table([
  { name: 'ChatSessionId', key: 'id', kind: 'int32', writer: 'server', nullable: false, fieldType: int32 },
  { name: 'TopicId', kind: 'int32', writer: 'customer', nullable: false, fieldType: int32 },
  { name: 'User', key: 'userId', kind: 'associate', writer: 'agent', nullable: true, fieldType: 'Associate' },
  { name: 'Person', kind: 'reference', writer: 'agent', nullable: true, fieldType: 'Person' },
  /* @__PURE__ */ visitorText(visitorTextFields.CustomerAlias),
  { name: 'CustomerHost', kind: 'string', writer: 'server', nullable: true, maxLength: 255, fieldType: text },
  /* @__PURE__ */ visitorText(visitorTextFields.CustomerName),
  /* @__PURE__ */ visitorText(visitorTextFields.CustomerEmail),
  /* @__PURE__ */ visitorText(visitorTextFields.CustomerPhone),
  { name: 'CustomerConsented', kind: 'bool', writer: 'customer', nullable: false, fieldType: bool },
  /* @__PURE__ */ visitorText(visitorTextFields.CustomerCompanyName),
  { name: 'Status', kind: 'status', writer: 'agent', nullable: false, fieldType: 'ChatSessionStatus' },
  /* @__PURE__ */ visitorText(visitorTextFields.FirstMessage),
  { name: 'LastMessage', kind: 'string', writer: 'agent', nullable: true, maxLength: 1024, fieldType: text },
  { name: 'WhenRequested', kind: 'datetime', writer: 'server', nullable: true, fieldType: 'System.DateTime' },
  { name: 'WhenStarted', kind: 'datetime', writer: 'agent', nullable: true, fieldType: 'System.DateTime' },
  { name: 'WhenEnded', kind: 'datetime', writer: 'agent', nullable: true, fieldType: 'System.DateTime' },
  { name: 'WhenIdle', kind: 'datetime', writer: 'agent', nullable: true, fieldType: 'System.DateTime' },
  { name: 'WhenFetched', kind: 'datetime', writer: 'agent', nullable: true, fieldType: 'System.DateTime' },
  // The record keeps only the key's hash; the clear key is answered once, to the creator.
  { name: 'SessionKey', key: 'sessionKeyHash', kind: 'string', writer: 'server', nullable: true, maxLength: 255, fieldType: text },
  { name: 'InitialQueuePos', kind: 'int32', writer: 'server', nullable: false, fieldType: int32 },
  { name: 'AlertLevel', kind: 'int32', writer: 'agent', nullable: false, fieldType: int32 },
  { name: 'Rank', kind: 'int32', writer: 'agent', nullable: false, fieldType: int32 },
  { name: 'Flags', kind: 'flags', flags: ChatSessionFlagMasks, writer: 'agent', nullable: false, fieldType: 'ChatSessionFlags' },
  { name: 'Contact', kind: 'reference', writer: 'agent', nullable: true, fieldType: 'Contact' },
  { name: 'Project', kind: 'reference', writer: 'agent', nullable: true, fieldType: 'Project' },
  { name: 'Sale', kind: 'reference', writer: 'agent', nullable: true, fieldType: 'Sale' },
  { name: 'Ticket', kind: 'reference', writer: 'agent', nullable: true, fieldType: 'Ticket' },
  { name: 'TransferTo', key: 'transferToId', kind: 'associate', writer: 'agent', nullable: true, fieldType: 'Associate' },
  // The visitor rates through the post-chat form (1 to 5); 0 until then.
  { name: 'Rating', kind: 'int32', writer: 'agent', nullable: false, fieldType: int32 },
]);

export const chatSession: EntityDescriptor = /* @__PURE__ */ defineEntity('ChatSession', 'ChatSessionEntity', chatSessionFields);

/** ChatWidgetSettings: what the widget shows and asks for. */
const chatWidgetFields: readonly FieldSpec[] = /* @__PURE__ */ table([
  { name: 'RequiredFields', key: 'widgetRequiredFields', kind: 'flags', flags: ChatTopicRequiredFields, writer: 'agent', nullable: false, fieldType: 'WidgetRequiredFields' },
  { name: 'HiddenFields', key: 'widgetHiddenFields', kind: 'flags', flags: ChatWidgetFields, writer: 'agent', nullable: false, fieldType: 'ChatWidgetFields' },
  { name: 'WelcomeTitle', key: 'widgetWelcomeTitle', kind: 'string', writer: 'agent', nullable: false, maxLength: 100, fieldType: text },
  { name: 'WelcomeMessage', key: 'widgetWelcomeMessage', kind: 'string', writer: 'agent', nullable: false, maxLength: 1024, fieldType: text },
  { name: 'Color', key: 'widgetColor', kind: 'string', format: 'color', writer: 'agent', nullable: false, maxLength: 7, fieldType: text },
  { name: 'ConsentText', key: 'widgetConsentText', kind: 'string', writer: 'agent', nullable: false, maxLength: 1024, fieldType: text },
  { name: 'PrivacyPolicyUrl', key: 'widgetPrivacyPolicyUrl', kind: 'string', format: 'url', writer: 'agent', nullable: false, maxLength: 2048, fieldType: text },
  { name: 'OfflineHeader', key: 'widgetOfflineHeader', kind: 'string', writer: 'agent', nullable: false, maxLength: 100, fieldType: text },
  { name: 'OfflineMessage', key: 'widgetOfflineMessage', kind: 'string', writer: 'agent', nullable: false, maxLength: 1024, fieldType: text },
  { name: 'OfflineFields', key: 'widgetOfflineFields', kind: 'flags', flags: ChatTopicRequiredFields, writer: 'agent', nullable: false, fieldType: 'WidgetRequiredFields' },
  { name: 'PostFormEnabled', key: 'widgetPostFormEnabled', kind: 'bool', writer: 'agent', nullable: false, fieldType: bool },
  { name: 'PostFormHeader', key: 'widgetPostFormHeader', kind: 'string', writer: 'agent', nullable: false, maxLength: 100, fieldType: text },
  { name: 'PostFormMessage', key: 'widgetPostFormMessage', kind: 'string', writer: 'agent', nullable: false, maxLength: 1024, fieldType: text },
  { name: 'PostTranscriptEnabled', key: 'widgetPostTranscriptEnabled', kind: 'bool', writer: 'agent', nullable: false, fieldType: bool },
]);

/** The weekdays as ChatOpeningHours names them, Monday first. */
export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const timeOfDay = (name: string): FieldSpec => ({
  name,
  key: `openingHours${name}`,
  kind: 'duration',
  writer: 'agent',
  nullable: false,
  fieldType: 'System.TimeSpan',
});

/** ChatOpeningHours' fields, made by a function so that a bundle that never reads them (the widget) leaves them out. */
function openingHoursFields(): FieldSpec[] {
  return [
    { name: 'TzLocation', key: 'openingHoursTimeZone', kind: 'timezone', writer: 'agent', nullable: false, fieldType: 'TimeZoneData' },
    ...WEEKDAYS.flatMap((day): FieldSpec[] => [
      { name: `${day}Enabled`, key: `openingHours${day}Enabled`, kind: 'bool', writer: 'agent', nullable: false, fieldType: bool },
      timeOfDay(`${day}Start`),
      timeOfDay(`${day}Stop`),
    ]),
    { name: 'UseLunchHours', key: 'openingHoursUseLunchHours', kind: 'bool', writer: 'agent', nullable: false, fieldType: bool },
    timeOfDay('LunchStart'),
    timeOfDay('LunchStop'),
  ];
}

/** ChatOpeningHours: when a topic is open, per weekday, in its time zone, with a lunch break. */
const chatOpeningHoursFields: readonly FieldSpec[] = /* @__PURE__ */ table(/* @__PURE__ */ openingHoursFields());

/** The ChatTopic fields we keep, in SuperOffice's order; AllowedOrigins is our addition. */
export const chatTopicFields: readonly FieldSpec[] = /* @__PURE__ */ table([
  { name: 'ChatTopicId', key: 'id', kind: 'int32', writer: 'server', nullable: false, fieldType: int32 },
  { name: 'Name', kind: 'string', writer: 'agent', nullable: false, maxLength: 50, fieldType: text },
  { name: 'Description', kind: 'string', writer: 'agent', nullable: false, maxLength: 255, fieldType: text },
  { name: 'WelcomeMessage', kind: 'string', writer: 'agent', nullable: false, maxLength: 1024, fieldType: text },
  { name: 'Language', kind: 'string', format: 'language', writer: 'agent', nullable: false, maxLength: 16, fieldType: text },
  { name: 'CollectConsent', kind: 'bool', writer: 'agent', nullable: false, fieldType: bool },
  { name: 'CustomQueueTextEnabled', kind: 'bool', writer: 'agent', nullable: false, fieldType: bool },
  { name: 'CustomQueueText', kind: 'string', writer: 'agent', nullable: false, maxLength: 1024, fieldType: text },
  { name: 'OpeningHoursEnabled', kind: 'bool', writer: 'agent', nullable: false, fieldType: bool },
  { name: 'OpeningHours', kind: 'object', fields: chatOpeningHoursFields, writer: 'agent', nullable: false, fieldType: 'ChatOpeningHours' },
  { name: 'AllowedOrigins', kind: 'origins', maxItems: 50, writer: 'agent', nullable: false, fieldType: 'System.String[]' },
  { name: 'Widget', kind: 'object', fields: chatWidgetFields, writer: 'agent', nullable: false, fieldType: 'ChatWidgetSettings' },
  { name: 'OfflineCollectConsent', kind: 'bool', writer: 'agent', nullable: false, fieldType: bool },
  { name: 'UseQueueOfflineForm', kind: 'bool', writer: 'agent', nullable: false, fieldType: bool },
  { name: 'OfflineFormTimeLimit', kind: 'int32', writer: 'agent', nullable: false, fieldType: int32 },
  { name: 'OfflineFormQueueLength', kind: 'int32', writer: 'agent', nullable: false, fieldType: int32 },
  { name: 'WidgetEnableRating', kind: 'bool', writer: 'agent', nullable: false, fieldType: bool },
  { name: 'WidgetRatingText', kind: 'string', writer: 'agent', nullable: false, maxLength: 255, fieldType: text },
]);

export const chatTopic: EntityDescriptor = /* @__PURE__ */ defineEntity('ChatTopic', 'ChatTopicEntity', chatTopicFields);

/**
 * A message of a chat (SuperOffice's ChatMessage, not a Carrier: no rights of its own). The
 * server says who wrote it, when, and which session it is in; an agent may post a Special one.
 */
export const chatMessageFields: readonly FieldSpec[] = /* @__PURE__ */ table([
  { name: 'ChatMessageId', key: 'id', kind: 'int32', writer: 'server', nullable: false, fieldType: int32 },
  { name: 'ChatSessionId', key: 'sessionId', kind: 'int32', writer: 'server', nullable: false, fieldType: int32 },
  { name: 'Type', kind: 'enum', flags: ChatMessageType, writer: 'customer', nullable: false, fieldType: 'ChatMessageType' },
  { name: 'Message', kind: 'string', writer: 'customer', nullable: false, maxLength: 4000, fieldType: text },
  { name: 'Author', kind: 'string', writer: 'server', nullable: false, maxLength: 255, fieldType: text },
  { name: 'ReadByCustomer', kind: 'int32', writer: 'agent', nullable: false, fieldType: 'System.Int16' },
  { name: 'SpecialType', kind: 'enum', flags: ChatMessageSpecialType, writer: 'agent', nullable: false, fieldType: 'ChatMessageSpecialType' },
  { name: 'SpecialParam', kind: 'string', writer: 'agent', nullable: true, maxLength: 4000, fieldType: text },
  { name: 'WhenPosted', kind: 'datetime', writer: 'server', nullable: false, fieldType: 'System.DateTime' },
]);

export const chatMessage: EntityDescriptor = /* @__PURE__ */ defineEntity('ChatMessage', 'ChatMessage', chatMessageFields);

/**
 * A reply an agent picks instead of typing it, kept per topic (ours: SuperOffice has none for
 * chat). Its text becomes a message as it is, so it may be as long as a message.
 */
export const cannedReplyFields: readonly FieldSpec[] = /* @__PURE__ */ table([
  { name: 'CannedReplyId', key: 'id', kind: 'int32', writer: 'server', nullable: false, fieldType: int32 },
  { name: 'TopicId', kind: 'int32', writer: 'server', nullable: false, fieldType: int32 },
  { name: 'Name', kind: 'string', writer: 'agent', nullable: false, maxLength: 64, fieldType: text },
  { name: 'Text', kind: 'string', writer: 'agent', nullable: false, maxLength: /* @__PURE__ */ chatMessage.field('Message')!.maxLength, fieldType: text },
]);

export const cannedReply: EntityDescriptor = /* @__PURE__ */ defineEntity('CannedReply', 'CannedReply', cannedReplyFields);

/**
 * What a manager sends to add an agent (`POST /api/v1/Associate`); the rules beyond these
 * lengths (the letters of a user name) are the server's, the same as the admin command's.
 */
export const newAgentFields: readonly FieldSpec[] = /* @__PURE__ */ table([
  { name: 'UserName', kind: 'string', writer: 'agent', nullable: false, maxLength: 64, fieldType: text },
  { name: 'FullName', kind: 'string', writer: 'agent', nullable: false, maxLength: 255, fieldType: text },
  { name: 'Password', kind: 'string', writer: 'agent', nullable: false, minLength: 8, maxLength: 1024, fieldType: text },
]);

export const newAgent: EntityDescriptor = /* @__PURE__ */ defineEntity('Associate', 'Associate', newAgentFields);

/** The member of the stored record that holds the field. */
export const recordKey = (spec: FieldSpec): string => spec.key ?? spec.name[0]!.toLowerCase() + spec.name.slice(1);

/** The field for a ChatSession wire name in any case (`customerEmail`, `CUSTOMEREMAIL`), or undefined. */
export function fieldByName(name: string): FieldSpec | undefined {
  return chatSession.field(name);
}

/** The fields an anonymous visitor may set: what the pre-chat form offers. */
export const customerFields: readonly FieldSpec[] = /* @__PURE__ */ chatSessionFields.filter(
  (spec) => spec.writer === 'customer',
);
