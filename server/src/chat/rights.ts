/**
 * Who may do what: an anonymous visitor, or an agent with credentials. Field rights come from
 * the field table's `writer`; the API describes them in TableRight and FieldProperties.
 */
import { requiredCustomerFields, type EntityDescriptor, type FieldSpec } from '@chatline/shared';
import type { AgentRecord, SessionRecord } from '../store/types.ts';
import { forbidden, unauthorized } from './errors.ts';
import { sameSecret, sha256 } from './secrets.ts';

/** Who is calling. A wrong, expired or unknown credential never makes a visitor: it is refused. */
export type Caller = { kind: 'visitor' } | { kind: 'agent'; agent: AgentRecord };

export const VISITOR: Caller = Object.freeze({ kind: 'visitor' });

/** The agent calling, or a refusal: this needs an agent's credentials. */
export function requireAgent(caller: Caller): AgentRecord {
  if (caller.kind !== 'agent') throw unauthorized('agentRequired');
  return caller.agent;
}

/**
 * Whether `key` is the session's key, the visitor's proof that the session is theirs: its hash
 * is compared with the stored one in constant time, so the answer's timing tells nothing about
 * how much of a guess was right.
 */
export function keyMatches(session: SessionRecord, key: string): boolean {
  if (!session.sessionKeyHash || key.length > 256) return false;
  return sameSecret(sha256(key), session.sessionKeyHash);
}

/** Whether this caller may write the field at all. */
export function mayWrite(spec: FieldSpec, caller: Caller['kind']): boolean {
  return spec.writer === 'customer' || (spec.writer === 'agent' && caller === 'agent');
}

/** Refuses, naming them, the fields of `present` that this caller may not set. */
export function checkWritable(entity: EntityDescriptor, caller: Caller, present: Iterable<string>): void {
  const refused = [...present].map((name) => entity.field(name)!).filter((spec) => !mayWrite(spec, caller.kind));
  if (refused.length === 0) return;
  throw forbidden(
    { problems: refused.map((spec) => ({ Field: spec.name, Code: 'not_allowed' })), entity },
    'agentOnlyFields',
    refused.map((spec) => spec.name).join(', '),
  );
}

const mandatoryCache = new Map<number, ReadonlySet<string>>();

/**
 * The fields of a session this caller must fill in: its topic, and for a visitor what the
 * topic requires (consent where it asks for it). The same sets are handed out each time.
 */
export function mandatorySessionFields(
  caller: Caller['kind'],
  topic: { collectConsent: boolean; widgetRequiredFields: number },
): ReadonlySet<string> {
  // -1 for an agent; for a visitor, the required-fields mask and the consent bit.
  const key = caller === 'agent' ? -1 : topic.widgetRequiredFields * 2 + (topic.collectConsent ? 1 : 0);
  let fields = mandatoryCache.get(key);
  if (!fields) {
    const asked = caller === 'agent' ? [] : [...requiredCustomerFields(topic.widgetRequiredFields), ...(topic.collectConsent ? ['CustomerConsented'] : [])];
    mandatoryCache.set(key, (fields = new Set(['TopicId', ...asked])));
  }
  return fields;
}

/** The fields of a topic an agent must fill in. */
export const MANDATORY_TOPIC_FIELDS: ReadonlySet<string> = new Set(['Name']);

/** What the caller may do with the entity: an agent everything, a visitor create. */
export const tableRight = (caller: Caller['kind']) => (caller === 'agent' ? 'FULL' : 'Insert');

/** Why a field is read-only for this caller, if it is. */
export type ReadOnlyReason = 'computed' | 'agentOnly' | null;

/** A field's rights for this caller, as EFieldRight names, and why it is read-only. */
export function fieldRight(spec: FieldSpec, caller: Caller['kind'], mandatory: boolean): { mask: string; reason: ReadOnlyReason } {
  const writable = mayWrite(spec, caller);
  const mask = writable ? ['Read', 'Write', 'Update'] : ['Read'];
  if (caller === 'visitor' && writable) mask.pop(); // a visitor creates a session, never updates it
  if (spec.nullable) mask.push('Nullable');
  if (mandatory) mask.push('UIHintMandatory');
  if (!writable) mask.push('UIHintReadOnly');
  const reason = spec.writer === 'server' ? 'computed' : writable ? null : 'agentOnly';
  return { mask: mask.join(', '), reason };
}
