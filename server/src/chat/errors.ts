/**
 * Why the rules refused something. Below HTTP: a route, a stream or the admin command gets the
 * same error and answers it in its own way (the API maps each kind to a status, in the
 * caller's language). What went wrong is a message key and its arguments, worded later.
 */
import type { EntityDescriptor, FieldProblem } from '@chatline/shared';

/** Each message the rules can give, with its arguments. Every language of the API words them all. */
export type ChatMessages = {
  sessionNotFound: [id: number];
  topicNotFound: [id: number];
  topicInUse: [id: number];
  fieldsInvalid: [count: number];
  agentOnlyFields: [fields: string];
  changedSince: [id: number];
  originTopic: [origin: string, topic: number];
  originRefused: [origin: string];
  credentialsCrossOrigin: [];
  busy: [];
  sessionKeyRequired: [];
  messageType: [];
  sessionEnded: [id: number];
  pickUpFirst: [id: number];
  notWaiting: [id: number];
  notARequest: [id: number];
  agentsRate: [];
  takenBy: [id: number, name: string];
  alreadyYours: [id: number];
  idempotencyKeyUsed: [];
  ticketExpired: [];
  noTopicRight: [right: string, topicId: number];
  agentNotFound: [name: string];
  notAMember: [userName: string, topicId: number];
  unknownMember: [agentId: number];
  keepManaging: [topicId: number];
  cannotTakeTransfer: [userName: string, topicId: number];
  agentAway: [name: string];
  ownPresence: [];
  visitorReads: [];
  tooManyStreams: [max: number];
  cannedReplyNotFound: [id: number, topicId: number];
  cannedReplyNameTaken: [name: string, topicId: number];
  cannedRepliesFull: [topicId: number, max: number];
  changingTooFast: [id: number];

  wrongPassword: [];
  signInThrottled: [seconds: number];
  cannotRemoveYourself: [];
  manageToChangeAgents: [];
  manageAgentsTopics: [userName: string, topicId: number];
  agentIdNotFound: [id: number];
  agentGone: [];
  credentialsChanged: [];
  unknownToken: [];
  unknownTicket: [];
  sessionExpired: [];
  xsrfMissing: [];
  agentRequired: [];
  notSignedIn: [];

  userNameInvalid: [];
  fullNameInvalid: [max: number];
  passwordTooShort: [min: number];
  passwordTooLong: [max: number];
  passwordCharacters: [];
  manageToAddAgents: [];
  userNameTaken: [userName: string];
  noSuchAgent: [userName: string];
};

export type ChatMessageKey = keyof ChatMessages;

/** A message not yet put in words. */
export type ChatText = { [K in ChatMessageKey]: { key: K; args: ChatMessages[K] } }[ChatMessageKey];

export type ChatErrorKind =
  /** The input breaks a rule: a field, a reference, a topic's requirement. */
  | 'invalid'
  /** No, or no valid, credentials where an agent is needed. */
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  /** The request contradicts what is stored (a topic still in use). */
  | 'conflict'
  /** The entity changed since the version the caller named. */
  | 'changed'
  /** The database could not be had in time: try again soon. */
  | 'unavailable'
  /** More at once than one client may have. */
  | 'too_many';

export class ChatError extends Error {
  readonly kind: ChatErrorKind;
  readonly text: ChatText;
  /** Problems with fields, by wire name (`Widget/Color` inside a nested object). */
  readonly fieldProblems: readonly FieldProblem[] | undefined;
  /** Whose fields they are, so that they can be worded. */
  readonly entity: EntityDescriptor | undefined;
  /** For a refusal that ends by itself: the seconds until it does. */
  readonly retryAfter: number | undefined;

  constructor(kind: ChatErrorKind, text: ChatText, fields?: { problems: readonly FieldProblem[]; entity: EntityDescriptor }, retryAfter?: number) {
    super(text.key);
    this.name = 'ChatError';
    this.kind = kind;
    this.text = text;
    this.fieldProblems = fields?.problems;
    this.entity = fields?.entity;
    this.retryAfter = retryAfter;
  }
}

const factory =
  (kind: ChatErrorKind) =>
  <K extends ChatMessageKey>(key: K, ...args: ChatMessages[K]) =>
    new ChatError(kind, { key, args } as ChatText);

export const invalid = factory('invalid');
export const unauthorized = factory('unauthorized');
export const notFound = factory('not_found');
export const conflict = factory('conflict');
export const changed = factory('changed');
export const unavailable = factory('unavailable');
export const tooMany = factory('too_many');

/** A 400 about fields: each problem names its field and a code the caller can translate. */
export const invalidFields = (entity: EntityDescriptor, problems: readonly FieldProblem[]) =>
  new ChatError('invalid', { key: 'fieldsInvalid', args: [problems.length] }, { problems, entity });

export const forbidden = <K extends ChatMessageKey>(
  fields: { problems: readonly FieldProblem[]; entity: EntityDescriptor } | undefined,
  key: K,
  ...args: ChatMessages[K]
) => new ChatError('forbidden', { key, args } as ChatText, fields);
