/**
 * Between the wire and the store: validated field values become a row, a row becomes the
 * ChatSessionEntity the API answers. Both directions walk the field table.
 */
import {
  ChatSessionStatus,
  chatSessionFields,
  formatFlags,
  statusName,
  type Associate,
  type ChatSessionEntity,
  type FieldProperties,
  type FieldSpec,
  type FieldValues,
  type TableRight,
} from '@chatline/shared';
import { render, type Language } from './i18n.ts';
import type { AssociateRow, NewSessionRow, SessionRow } from './store.ts';

/** Who is calling: rights and FieldProperties depend on it. */
export type CallerKind = 'visitor' | 'agent';

/** Values the server computes for every new session, whatever the body said. */
export type ComputedFields = {
  sessionKeyHash: string | null;
  customerHost: string | null;
  whenRequested: number | null;
  now: number;
};

/** The value a field has when nobody set it. */
export const fieldDefaults: Partial<Record<string, unknown>> = {
  TopicId: 0,
  Status: ChatSessionStatus.InQueue,
  CustomerConsented: false,
  AlertLevel: 0,
  Rank: 0,
  Flags: 0,
};

function toColumn(spec: FieldSpec, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  switch (spec.kind) {
    case 'bool':
      return value ? 1 : 0;
    case 'reference':
      return JSON.stringify(value);
    case 'associate': {
      const id = (value as { AssociateId?: unknown }).AssociateId;
      return typeof id === 'number' && id !== 0 ? id : null;
    }
    default:
      return value;
  }
}

/**
 * Rows and entities start as a copy of one of these shapes, so that V8 keeps them in its fast
 * object layout: an object given more than a dozen properties by computed name turns into a
 * dictionary, which costs several times more to fill, copy and serialize.
 */
const shapeOf = (names: readonly string[]): Record<string, unknown> =>
  Object.fromEntries(names.map((name) => [name, null]));

const writableFields = chatSessionFields.filter((spec) => spec.writer !== 'server');
// The id and the queue position are there too, unset, for the store to fill in once the row
// is inserted: added later, they would turn the row into a dictionary after all.
const rowShape = shapeOf([
  'id',
  ...writableFields.map((spec) => spec.column),
  'customer_host',
  'when_requested',
  'session_key_hash',
  'initial_queue_pos',
  'updated_at',
]);

/** A full row from validated values: fields not given get their defaults. */
export function sessionRow(values: FieldValues, computed: ComputedFields): NewSessionRow {
  const row = { ...rowShape };
  for (const spec of writableFields) {
    row[spec.column] = toColumn(spec, values[spec.name] ?? fieldDefaults[spec.name] ?? null);
  }
  row.customer_host = computed.customerHost;
  row.when_requested = computed.whenRequested;
  row.session_key_hash = computed.sessionKeyHash;
  row.updated_at = computed.now;
  return row as NewSessionRow;
}

/** ISO 8601 with an explicit offset, as SuperOffice writes date-times. */
export function formatDateTime(millis: number | null): string | null {
  return millis === null ? null : new Date(millis).toISOString().replace('Z', '+00:00');
}

/** An agent in the Associate shape of the reference sample. */
export function toAssociate(row: AssociateRow): Associate {
  return {
    AssociateId: row.id,
    Name: row.user_name,
    PersonId: row.person_id,
    Rank: row.rank,
    Tooltip: row.full_name,
    Type: row.type,
    GroupIdx: row.group_idx,
    FullName: row.full_name,
    FormalName: row.full_name,
    Deleted: row.deleted === 1,
    EjUserId: row.ej_user_id,
    UserName: row.user_name,
  };
}

const tableRights: Record<CallerKind, TableRight> = {
  visitor: { Mask: 'Insert', Reason: '' },
  agent: { Mask: 'FULL', Reason: '' },
};

function fieldRightMask(spec: FieldSpec, caller: CallerKind, mandatory: boolean): string {
  const writable = spec.writer === 'customer' || (spec.writer === 'agent' && caller === 'agent');
  const mask = writable ? ['Read', 'Write', 'Update'] : ['Read'];
  if (caller === 'visitor' && writable) mask.pop(); // a visitor creates a session, never updates it
  if (spec.nullable) mask.push('Nullable');
  if (mandatory) mask.push('UIHintMandatory');
  if (!writable) mask.push('UIHintReadOnly');
  return mask.join(', ');
}

function fieldRightReason(spec: FieldSpec, caller: CallerKind, language: Language): string {
  if (spec.writer === 'server') return render({ key: 'reasonComputed', args: [] }, language);
  if (spec.writer === 'agent' && caller === 'visitor') return render({ key: 'reasonAgentOnly', args: [] }, language);
  return '';
}

const fieldPropertiesCache = new Map<string, FieldProperties>();

/** What each field allows this caller, built once per kind of caller, topic setting and language. */
export function fieldProperties(caller: CallerKind, collectConsent: boolean, language: Language = 'en'): FieldProperties {
  const key = `${caller}:${collectConsent}:${language}`;
  let properties = fieldPropertiesCache.get(key);
  if (!properties) {
    properties = {};
    for (const spec of chatSessionFields) {
      const mandatory =
        spec.name === 'TopicId' || (spec.name === 'CustomerConsented' && collectConsent && caller === 'visitor');
      properties[spec.name] = {
        FieldRight: { Mask: fieldRightMask(spec, caller, mandatory), Reason: fieldRightReason(spec, caller, language) },
        FieldType: spec.fieldType,
        FieldLength: spec.maxLength ?? 0,
      };
    }
    fieldPropertiesCache.set(key, properties);
  }
  return properties;
}

export type EntityOptions = {
  caller: CallerKind;
  collectConsent: boolean;
  /** Finds the agent a User or TransferTo column names. */
  associate: (id: number) => AssociateRow | null;
  /** The clear session key: only in the answer to the request that created the session. */
  sessionKey?: string;
  /** Base URL of the API for `_Links`, e.g. `https://chat.example.com`; none without it. */
  baseUrl?: string;
  /** The language of the field rights' reasons. */
  language?: Language;
};

function fromColumn(spec: FieldSpec, value: unknown, options: EntityOptions): unknown {
  switch (spec.kind) {
    case 'bool':
      return value === 1;
    case 'datetime':
      return formatDateTime(value as number | null);
    case 'status':
      return statusName(value as number);
    case 'flags':
      return formatFlags(value as number);
    case 'reference':
      return typeof value === 'string' ? JSON.parse(value) : null;
    case 'associate': {
      const row = typeof value === 'number' ? options.associate(value) : null;
      return row ? toAssociate(row) : null;
    }
    default:
      return value;
  }
}

const entityShape = shapeOf([...chatSessionFields.map((spec) => spec.name), 'TableRight', 'FieldProperties']);
const linkedEntityShape = shapeOf([...Object.keys(entityShape), '_Links']);

export function toEntity(row: SessionRow, options: EntityOptions): ChatSessionEntity {
  const entity = options.baseUrl === undefined ? { ...entityShape } : { ...linkedEntityShape };
  const columns = row as unknown as Record<string, unknown>;
  for (const spec of chatSessionFields) {
    entity[spec.name] =
      spec.name === 'SessionKey' ? (options.sessionKey ?? null) : fromColumn(spec, columns[spec.column], options);
  }
  entity.TableRight = tableRights[options.caller];
  entity.FieldProperties = fieldProperties(options.caller, options.collectConsent, options.language);
  if (options.baseUrl !== undefined) {
    entity._Links = {
      Self: `${options.baseUrl}/api/v1/ChatSession/${row.id}`,
      Archive: `${options.baseUrl}/api/v1/ChatSession`,
    };
  }
  return entity as ChatSessionEntity;
}

/** A new entity with default values, not saved: what `GET /ChatSession/default` answers. */
export function defaultEntity(caller: CallerKind, language: Language = 'en'): ChatSessionEntity {
  const row = {
    ...sessionRow({}, { sessionKeyHash: null, customerHost: null, whenRequested: null, now: 0 }),
    id: 0,
    initial_queue_pos: 0,
  } as SessionRow;
  return toEntity(row, { caller, collectConsent: true, associate: () => null, language });
}
