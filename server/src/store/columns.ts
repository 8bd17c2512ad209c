/**
 * How the stores map records to table columns: a table of columns for each record, each a
 * member's name in snake_case and the kind of value it holds, taken from the shared field
 * tables where there is one. A store gives the encoding of each kind it does not keep as the
 * value itself (SQLite's 0/1, JSON text); its SQL stays its own.
 */
import { chatMessageFields, chatSessionFields, chatTopicFields, recordKey, type FieldSpec } from '@chatline/shared';

export type ColumnKind = FieldSpec['kind'];
export type Codec = { encode: (value: unknown) => unknown; decode: (value: unknown) => unknown };
/** A record member and the column that stores it. */
export type Column = Codec & { key: string; name: string; kind: ColumnKind | undefined };

const same = (value: unknown) => value;
const asItIs: Codec = { encode: same, decode: same };

/** A CRM reference as JSON text, kept as given: a JSON column type could reorder the members of a client's object. */
export const jsonText: Codec = {
  encode: (value) => (value === null || value === undefined ? null : JSON.stringify(value)),
  decode: (value) => (typeof value === 'string' ? JSON.parse(value) : null),
};

const snakeCase = (key: string) => key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
const flatten = (specs: readonly FieldSpec[]): FieldSpec[] => specs.flatMap((spec) => (spec.fields ? flatten(spec.fields) : [spec]));

/** Every record's columns, with the store's encodings (a kind it does not name is kept as it is). */
export function recordColumns(codecs: Partial<Record<ColumnKind, Codec>>) {
  const column = (key: string, kind?: ColumnKind, name = snakeCase(key)): Column => ({ key, name, kind, ...((kind && codecs[kind]) || asItIs) });
  const fromSpecs = (specs: readonly FieldSpec[]) => specs.map((spec) => column(recordKey(spec), spec.kind));
  return {
    /** The session's columns, in the field table's order, and its bookkeeping. */
    session: [
      ...fromSpecs(chatSessionFields),
      column('updatedAt', 'datetime'),
      column('ratingComment', 'string'),
      column('whenRated', 'datetime'),
      column('requestLeftAt', 'datetime'),
      column('requestHandledAt', 'datetime'),
      column('requestHandledBy'),
    ],
    topic: fromSpecs(flatten(chatTopicFields)),
    /** What checking a session against its topic needs. */
    topicRules: [column('id'), column('collectConsent', 'bool'), column('allowedOrigins', 'origins'), column('widgetRequiredFields'), column('widgetOfflineFields'), column('offlineCollectConsent', 'bool')],
    agent: [
      ...['id', 'userName', 'fullName', 'passwordHash', 'personId', 'rank', 'groupIdx', 'ejUserId', 'type'].map((key) => column(key)),
      column('deleted', 'bool'),
      column('createdAt', 'datetime'),
      column('present', 'bool', 'chat_present'),
    ],
    topicAgent: [column('topicId'), column('agentId', undefined, 'associate_id'), ...['canListen', 'canRespond', 'canManage', 'canNotify'].map((key) => column(key, 'bool'))],
    message: fromSpecs(chatMessageFields),
    credential: [
      column('secretHash'),
      column('kind'),
      column('agentId', undefined, 'associate_id'),
      column('xsrfHash'),
      column('createdAt', 'datetime'),
      column('expiresAt', 'datetime'),
      column('lastUsedAt', 'datetime'),
    ],
    signInCount: [column('failures'), column('since', 'datetime'), column('lastFailureAt', 'datetime'), column('pending'), column('pendingAt', 'datetime'), column('lastSuccessAt', 'datetime')],
    signInEvent: [column('agentId', undefined, 'associate_id'), column('at', 'datetime'), column('kind'), column('method'), column('address'), column('requestId'), column('count')],
    streamTicket: [column('secretHash'), column('sessionId'), column('agentId', undefined, 'associate_id'), column('expiresAt', 'datetime')],
    cannedReply: ['id', 'topicId', 'name', 'text'].map((key) => column(key)),
  };
}

/**
 * Reads a row (its values in the columns' order) into a record. Records start as a copy of a
 * fixed shape that holds every member, so V8 keeps them in its fast object layout: an object
 * given more than a dozen properties by computed name turns into a dictionary, which costs
 * several times more to fill, copy and serialize.
 */
export function reader<T>(columns: readonly Column[]): (values: unknown[]) => T {
  const shape = Object.fromEntries(columns.map((c) => [c.key, null])) as Record<string, unknown>;
  return (values) => {
    const record = { ...shape };
    for (let i = 0; i < columns.length; i++) record[columns[i]!.key] = columns[i]!.decode(values[i]);
    return record as T;
  };
}

/** The record's values, encoded, in the columns' order. */
export const valuesOf = (columns: readonly Column[], record: object) => columns.map((c) => c.encode((record as Record<string, unknown>)[c.key]));

/** The columns' names, for a statement, each after `prefix` (a table's alias). */
export const list = (columns: readonly Column[], prefix = '') => columns.map((c) => prefix + c.name).join(', ');

/** Text as it compares regardless of case, in every alphabet: composed, in lower case. */
export const fold = (text: string) => text.normalize('NFC').toLowerCase();
