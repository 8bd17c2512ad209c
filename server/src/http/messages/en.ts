import type { ChatMessages } from '../../chat/errors.ts';

/** The server's messages in English. Every other language file has the same keys. */
export const en = {
  notFoundPath: (method: string, path: string) => `There is nothing at ${method} ${path}.`,
  sessionNotFound: (id: number) => `ChatSession id ${id} not found.`,
  topicNotFound: (id: number) => `ChatTopic id ${id} not found.`,
  topicInUse: (id: number) => `ChatTopic ${id} still has chat sessions; delete or move them first.`,
  rateLimited: (seconds: number) => `Too many chats requested from this address. Try again in ${seconds} s.`,
  tooManyMessages: (seconds: number) => `Too many messages in a short time. Try again in ${seconds} s.`,
  badIdempotencyKey: () => 'An Idempotency-Key is 8 to 128 visible ASCII characters, such as a UUID.',
  bodyTooLarge: (limit: number) => `The request body is larger than ${limit} bytes.`,
  internal: () => 'Something went wrong on the server. The request was not completed.',
  busy: () => 'The server is too busy to take this request now. Try again in a moment.',
  sessionKeyRequired: () => "This needs the chat's session key in X-Chat-Session-Key, or an agent's credentials.",
  messageType: () => 'A visitor writes ToUser messages; an agent ToCustomer or Special ones.',
  sessionEnded: (id: number) => `ChatSession ${id} has ended: nothing more can be said in it.`,
  pickUpFirst: (id: number) => `ChatSession ${id} is waiting in the queue: pick it up before you answer it.`,
  notWaiting: (id: number) => `ChatSession ${id} is not waiting in the queue.`,
  idempotencyKeyUsed: () => 'This Idempotency-Key was used for another change of this chat.',
  ticketExpired: () => 'The stream ticket is not known, was used already or has expired. Ask for a new one.',
  tooManyStreams: (max: number) => `This client already has ${max} streams open. Close one first.`,
  changingTooFast: (id: number) => `ChatSession ${id} kept changing while this change was made. Try again in a moment.`,

  wrongPassword: () => 'The user name or password is not correct.',
  badBasic: () => 'Authorization: Basic needs base64 of "user:password".',
  agentGone: () => 'The agent of these credentials no longer exists.',
  unknownAppToken: () => 'The application token in SO-AppToken is not known.',
  authorizationTooLong: () => 'The Authorization header is too long.',
  badAuthorization: () => 'Authorization must be "Basic …", "Bearer …" or "SOTicket …".',
  unknownToken: () => 'The Bearer token is not known or has been revoked.',
  unknownTicket: () => 'The ticket is not known or has expired.',
  unknownScheme: (scheme: string) => `The Authorization scheme "${scheme}" is not supported.`,
  sessionExpired: () => 'The session has expired. Sign in again.',
  xsrfMissing: () => 'A request with the session cookie must send its XSRF-TOKEN in X-XSRF-TOKEN.',
  agentRequired: () =>
    "This needs an agent's credentials: Authorization Basic, Bearer or SOTicket, or a signed-in session.",
  notSignedIn: () => 'Nobody is signed in.',
  loginBody: () => 'Send {"UserName": "…", "Password": "…"}.',

  badCharset: (charset: string) => `The charset "${charset}" is not supported; send UTF-8.`,
  badEncoding: (encoding: string) => `The request body is not valid ${encoding}.`,
  bodyIncomplete: () => 'The request body ended before its Content-Length.',
  badJson: (detail: string) => `The request body is not valid JSON: ${detail}`,
  notAnObject: () => 'The request body must be a JSON object.',
  jsonTooDeep: (depth: number) => `The JSON is nested deeper than ${depth} levels.`,
  jsonTooLarge: (members: number) => `The JSON has more than ${members} members and items.`,
  formTwice: (name: string) => `The form gives "${name}" more than once.`,
  noBody: () => 'The request has no body. Send the entity as JSON or XML.',
  noContentType: () => 'The request has no Content-Type. Send application/json.',
  unsupportedType: (type: string, supported: string) => `Content-Type ${type} is not supported. Send one of: ${supported}.`,
  emptyBody: () => 'The request body is empty. Send the entity.',
  patchTypes: () => 'PATCH takes application/json-patch+json or application/merge-patch+json.',

  forbiddenMember: (key: string) => `"${key}" cannot be a member name.`,
  patchPath: () => 'Every patch operation needs a "path" string.',
  patchWhole: () => 'A patch cannot replace the whole entity; name a field in "path".',
  patchListItem: (path: string) => `The path "${path}" does not name an item of a list.`,
  patchNoPath: (path: string) => `The path "${path}" does not exist.`,
  patchList: () => 'A JSON Patch is a list of operations.',
  patchOperation: () => 'Every patch operation must be an object.',
  patchMoveCopy: (op: string) => `The patch operation "${op}" is not supported; use add, replace, remove or test.`,
  patchUnknownOp: (op: string) => `Unknown patch operation ${op}; use add, replace, remove or test.`,
  patchNeedsValue: (op: string, path: string) => `The "${op}" operation on "${path}" needs a "value".`,
  patchTestFailed: (path: string) => `The test of "${path}" failed: the value differs.`,
  mergeNotObject: () => 'A merge patch for an entity must be a JSON object.',

  acceptTooLong: () => 'The Accept header is too long.',
  notAcceptable: (offers: string) => `None of the types in Accept can be answered. Ask for one of: ${offers}.`,
  badTimeZoneHeader: (header: string) => `SO-TimeZone "${header}" is not understood: send a zone like Europe/Oslo or UTC.`,
  unknownTimeZone: (zone: string) => `SO-TimeZone "${zone}" is not a time zone: send an IANA name like Europe/Oslo, or UTC.`,
  queryCount: (name: string) => `${name} must be a whole number.`,
  filterUnknown: (term: string) => `$filter "${term}" is not understood: filter by TopicId eq 1 and Status eq 'InQueue'.`,
  selectTooLong: () => '$select is too long.',
  selectUnknown: (name: string, entity: string) => `$select names "${name}", which is not a ${entity} field.`,

  agentOnlyFields: (fields: string) => `Only an agent may set ${fields}.`,
  changedSince: (id: number) => `ChatSession ${id} has changed since the time in If-Unmodified-Since.`,
  fieldsInvalid: (count: number) => `${count} fields are not valid.`,
  saveId: () => 'ChatSessionId must be a whole number: 0 to create.',
  queryId: (name: string) => `The query needs ${name}, a whole number.`,
  argument: (name: string) => `The body needs ${name}, of the method's type.`,

  xmlTooDeep: (depth: number) => `The XML is nested deeper than ${depth} elements.`,
  xmlDoctype: () => 'XML with a DOCTYPE or entity declarations is not accepted.',
  xmlMalformed: (detail: string) => `The request body is not well-formed XML: ${detail}`,
  xmlRoot: (root: string) => `The XML body's root element must be <${root}>.`,

  originTopic: (origin: string, topic: number) => `Pages from ${origin} may not request chats in topic ${topic}.`,
  credentialsCrossOrigin: () => "An agent's credentials are not accepted from a page of another site.",
  originRefused: (origin: string) =>
    `Pages from ${origin} may not use this chat server. Its operator can allow the origin in CHAT_ALLOWED_ORIGINS.`,

  userNameInvalid: () => 'A user name is 1 to 64 letters, digits or . _ @ + - (no spaces).',
  passwordTooShort: (min: number) => `A password needs at least ${min} characters.`,
  userNameTaken: (userName: string) => `There is already an agent named "${userName}".`,
  noSuchAgent: (userName: string) => `There is no agent named "${userName}".`,

  reasonComputed: () => 'Computed by the server.',
  reasonAgentOnly: () => 'Only an agent may set this field.',
};

export type Catalog = typeof en;

/** Every message of the rules is worded here, with the arguments the rules give. */
en satisfies { [K in keyof ChatMessages]: (...args: ChatMessages[K]) => string };
