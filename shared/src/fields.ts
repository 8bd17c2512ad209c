/**
 * The one table of ChatSession fields. Types, validation, rights, FieldProperties, `$select`,
 * XML order and the SQL column mapping all come from here: a field is added in one place.
 */
import type { ChatSessionFieldName } from './types.ts';

export type FieldKind =
  | 'int32'
  | 'string'
  | 'bool'
  | 'datetime'
  | 'status'
  | 'flags'
  | 'associate'
  | 'reference';

/**
 * Who may write a field: `server` values are always computed and ignored when sent,
 * `agent` needs credentials, `customer` an anonymous visitor may set too.
 */
export type FieldWriter = 'server' | 'agent' | 'customer';

export type FieldFormat = 'email' | 'phone';

export type FieldSpec = {
  readonly name: ChatSessionFieldName;
  readonly kind: FieldKind;
  readonly writer: FieldWriter;
  /** Whether null is a valid value on the wire. */
  readonly nullable: boolean;
  /** For strings: the most characters the column holds (SuperOffice's schema). */
  readonly maxLength?: number;
  readonly format?: FieldFormat;
  /** The SQL column that stores it. */
  readonly column: string;
  /** FieldProperties' FieldType: the .NET type name SuperOffice reports. */
  readonly fieldType: string;
};

const int32 = 'System.Int32';
const text = 'System.String';

/**
 * The text a visitor types into the pre-chat form. The widget checks these by the same specs
 * without carrying the whole table (its size is a feature).
 */
export const visitorTextFields = {
  CustomerAlias: { name: 'CustomerAlias', kind: 'string', writer: 'customer', nullable: true, maxLength: 64, column: 'customer_alias', fieldType: text },
  CustomerName: { name: 'CustomerName', kind: 'string', writer: 'customer', nullable: true, maxLength: 255, column: 'customer_name', fieldType: text },
  CustomerEmail: { name: 'CustomerEmail', kind: 'string', writer: 'customer', nullable: true, maxLength: 255, format: 'email', column: 'customer_email', fieldType: text },
  CustomerPhone: { name: 'CustomerPhone', kind: 'string', writer: 'customer', nullable: true, maxLength: 32, format: 'phone', column: 'customer_phone', fieldType: text },
  FirstMessage: { name: 'FirstMessage', kind: 'string', writer: 'customer', nullable: true, maxLength: 1024, column: 'first_message', fieldType: text },
} as const satisfies Record<string, FieldSpec>;

/** In the reference page's order, which is also the XML element order. */
export const chatSessionFields: readonly FieldSpec[] = [
  { name: 'ChatSessionId', kind: 'int32', writer: 'server', nullable: false, column: 'id', fieldType: int32 },
  { name: 'TopicId', kind: 'int32', writer: 'customer', nullable: false, column: 'topic_id', fieldType: int32 },
  { name: 'User', kind: 'associate', writer: 'agent', nullable: true, column: 'user_id', fieldType: 'Associate' },
  { name: 'Person', kind: 'reference', writer: 'agent', nullable: true, column: 'person', fieldType: 'Person' },
  visitorTextFields.CustomerAlias,
  { name: 'CustomerHost', kind: 'string', writer: 'server', nullable: true, maxLength: 255, column: 'customer_host', fieldType: text },
  visitorTextFields.CustomerName,
  visitorTextFields.CustomerEmail,
  visitorTextFields.CustomerPhone,
  { name: 'CustomerConsented', kind: 'bool', writer: 'customer', nullable: false, column: 'customer_consented', fieldType: 'System.Boolean' },
  { name: 'CustomerCompanyName', kind: 'string', writer: 'customer', nullable: true, maxLength: 255, column: 'customer_company_name', fieldType: text },
  { name: 'Status', kind: 'status', writer: 'agent', nullable: false, column: 'status', fieldType: 'ChatSessionStatus' },
  visitorTextFields.FirstMessage,
  { name: 'LastMessage', kind: 'string', writer: 'agent', nullable: true, maxLength: 1024, column: 'last_message', fieldType: text },
  { name: 'WhenRequested', kind: 'datetime', writer: 'server', nullable: true, column: 'when_requested', fieldType: 'System.DateTime' },
  { name: 'WhenStarted', kind: 'datetime', writer: 'agent', nullable: true, column: 'when_started', fieldType: 'System.DateTime' },
  { name: 'WhenEnded', kind: 'datetime', writer: 'agent', nullable: true, column: 'when_ended', fieldType: 'System.DateTime' },
  { name: 'WhenIdle', kind: 'datetime', writer: 'agent', nullable: true, column: 'when_idle', fieldType: 'System.DateTime' },
  { name: 'WhenFetched', kind: 'datetime', writer: 'agent', nullable: true, column: 'when_fetched', fieldType: 'System.DateTime' },
  { name: 'SessionKey', kind: 'string', writer: 'server', nullable: true, maxLength: 255, column: 'session_key_hash', fieldType: text },
  { name: 'InitialQueuePos', kind: 'int32', writer: 'server', nullable: false, column: 'initial_queue_pos', fieldType: int32 },
  { name: 'AlertLevel', kind: 'int32', writer: 'agent', nullable: false, column: 'alert_level', fieldType: int32 },
  { name: 'Rank', kind: 'int32', writer: 'agent', nullable: false, column: 'rank', fieldType: int32 },
  { name: 'Flags', kind: 'flags', writer: 'agent', nullable: false, column: 'flags', fieldType: 'ChatSessionFlags' },
  { name: 'Contact', kind: 'reference', writer: 'agent', nullable: true, column: 'contact', fieldType: 'Contact' },
  { name: 'Project', kind: 'reference', writer: 'agent', nullable: true, column: 'project', fieldType: 'Project' },
  { name: 'Sale', kind: 'reference', writer: 'agent', nullable: true, column: 'sale', fieldType: 'Sale' },
  { name: 'Ticket', kind: 'reference', writer: 'agent', nullable: true, column: 'ticket', fieldType: 'Ticket' },
  { name: 'TransferTo', kind: 'associate', writer: 'agent', nullable: true, column: 'transfer_to_id', fieldType: 'Associate' },
];

// Pure: a bundle that never looks fields up by name (the widget) leaves the table out.
const byName = /* @__PURE__ */ new Map<string, FieldSpec>(/* @__PURE__ */ chatSessionFields.map((spec) => [spec.name, spec]));
const byLowerName = /* @__PURE__ */ new Map(/* @__PURE__ */ chatSessionFields.map((spec) => [spec.name.toLowerCase(), spec]));

/** The field for a wire name in any case (`customerEmail`, `CUSTOMEREMAIL`), or undefined. */
export function fieldByName(name: string): FieldSpec | undefined {
  // Most clients spell names as the WebAPI does: that lookup needs no new lower-case string.
  return byName.get(name) ?? byLowerName.get(name.toLowerCase());
}

/** The fields an anonymous visitor may set: what the pre-chat form offers. */
export const customerFields: readonly FieldSpec[] = /* @__PURE__ */ chatSessionFields.filter(
  (spec) => spec.writer === 'customer',
);
