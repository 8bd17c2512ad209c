/**
 * The console's calls to the server, all on its own origin with the signed-in agent's cookie.
 * Every call but signing in echoes the XSRF token the server set beside the cookie: a page of
 * another site can send the cookie but cannot read the token. A refusal throws with the
 * server's own words; a call that got no answer throws with status 0.
 */
import type { ApiErrorBody, Associate, ChatMessage, ChatOpeningHours, ChatSessionEntity, FieldError, OfflineRequest, RatingSummary, SignInKind } from '@chatline/shared';

/** Why a call failed: the server refused it (with its words), or no answer came (status 0). */
export class ConsoleError extends Error {
  readonly status: number;
  /** The server's refusals field by field (the error body's `FieldErrors`); empty when it named none. */
  readonly fieldErrors: FieldError[];
  constructor(status: number, message: string, fieldErrors: FieldError[] = []) {
    super(message);
    this.name = 'ConsoleError';
    this.status = status;
    this.fieldErrors = fieldErrors;
  }
}

/** A ChatTopicAgent: an agent's rights in a topic. */
export type Membership = {
  TopicId: number;
  User: Associate;
  CanListen: boolean;
  CanRespond: boolean;
  CanManage: boolean;
  CanNotify: boolean;
};

export type ChatPresence = { UserId: number; DisplayName: string; OngoingChats: number; Present: boolean; ChatTopics: number[] };

export type ChatTopic = {
  ChatTopicId: number;
  Name: string;
  Description: string;
  WelcomeMessage: string;
  Language: string;
  CollectConsent: boolean;
  AllowedOrigins: string[];
  Widget: Record<string, unknown>;
  /** The queue's own words: `{cque}` is the visitor's place in it, `{cavw}` the average wait. */
  CustomQueueTextEnabled: boolean;
  CustomQueueText: string;
  /** Off: open at all hours. */
  OpeningHoursEnabled: boolean;
  OpeningHours: ChatOpeningHours;
  OfflineCollectConsent: boolean;
  UseQueueOfflineForm: boolean;
  /** Minutes in the queue before a visitor is offered to leave a message instead (0: never). */
  OfflineFormTimeLimit: number;
  /** Visitors waiting beyond which a new one is offered to leave a message instead (0: never). */
  OfflineFormQueueLength: number;
  WidgetEnableRating: boolean;
  WidgetRatingText: string;
};

export type CannedReply = { CannedReplyId: number; TopicId: number; Name: string; Text: string };

export type Archive = { value: ChatSessionEntity[]; 'odata.nextLink'?: string };

/** A request a visitor left for an answer later, and the ratings an agent may see. */
export type { OfflineRequest, RatingSummary };

/** What the server records of an agent's access, newest first (`GET Associate/{id}/SignIns`). */
export type { SignInKind };
/** How: the sign-in form (Login), Basic credentials, a ticket, the admin command, or a manager in the console. */
export type SignInMethod = 'login' | 'basic' | 'ticket' | 'admin' | 'console';
/** `Count`: how many times in a row the same Kind, Method and Address came; `When` is the last of them. */
export type SignIn = { When: string; Kind: SignInKind; Method: SignInMethod | null; Address: string | null; Count: number };

/** One of an agent's Bearer tokens: never its text, which is shown once, to whoever made it. */
export type BearerToken = { CreatedAt: string; LastUsed: string | null };

/** Called when the server says the agent is not signed in (any more). */
let onSignedOut: () => void = () => {};
export const whenSignedOut = (handler: () => void) => {
  onSignedOut = handler;
};

function xsrfToken(): string {
  const found = document.cookie.split('; ').find((pair) => pair.startsWith('XSRF-TOKEN='));
  return found ? decodeURIComponent(found.slice('XSRF-TOKEN='.length)) : '';
}

/** 128 random bits, for an Idempotency-Key. */
export const newKey = (): string => crypto.getRandomValues(new Uint32Array(4)).join('-');

type Call = { method?: 'GET' | 'POST' | 'PUT' | 'DELETE'; body?: unknown; headers?: Record<string, string>; signIn?: boolean };

export async function call<T>(path: string, { method = 'GET', body, headers = {}, signIn = false }: Call = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`/api/v1/${path}`, {
      method,
      headers: {
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(signIn ? {} : { 'X-XSRF-TOKEN': xsrfToken() }),
        ...headers,
      },
      body: body === undefined ? null : JSON.stringify(body),
      credentials: 'same-origin',
      signal: AbortSignal.timeout(15_000),
    });
  } catch {
    throw new ConsoleError(0, 'The server did not answer.');
  }
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    const body = parsed as ApiErrorBody | null;
    const message = body?.ErrorMessage ?? `The server answered ${response.status}.`;
    if (response.status === 401 && !signIn) onSignedOut();
    throw new ConsoleError(response.status, message, Array.isArray(body?.FieldErrors) ? body.FieldErrors : []);
  }
  return parsed as T;
}

const post = <T>(path: string, body?: unknown, headers?: Record<string, string>) => call<T>(path, { method: 'POST', body: body ?? null, headers });
const agentsChat = <T>(method: string, body?: unknown) => post<T>(`Agents/Chat/${method}`, body);

export const api = {
  signIn: (userName: string, password: string) =>
    call<Associate>('Authentication/Login', { method: 'POST', body: { UserName: userName, Password: password }, signIn: true }),
  signOut: () => post<null>('Authentication/Logout'),
  me: () => call<Associate>('Associate/Me'),
  agents: () => call<Associate[]>('Associate'),
  addAgent: (agent: { UserName: string; FullName: string; Password: string }) => post<Associate>('Associate', agent),
  removeAgent: (id: number) => call<null>(`Associate/${id}`, { method: 'DELETE' }),
  setPassword: (id: number, password: string) => call<null>(`Associate/${id}/Password`, { method: 'PUT', body: { Password: password } }),
  tokens: (id: number) => call<BearerToken[]>(`Associate/${id}/Tokens`),
  revokeTokens: (id: number) => call<{ Revoked: number }>(`Associate/${id}/Tokens`, { method: 'DELETE' }),
  signIns: (id: number) => call<SignIn[]>(`Associate/${id}/SignIns`),

  topic: (id: number) => call<ChatTopic>(`ChatTopic/${id}`),
  /** Whether the topic is within its opening hours now, by the server's clock (always, when it uses none). */
  isOpen: (id: number) => call<boolean>(`ChatTopic/${id}/IsOpen`),
  saveTopic: (topic: ChatTopic) => call<ChatTopic>(`ChatTopic/${topic.ChatTopicId}`, { method: 'PUT', body: topic }),
  myTopics: () => call<ChatTopic[]>('ChatTopic/ForCurrentUser'),
  members: (topicId: number) => call<Membership[]>(`ChatTopic/${topicId}/UserAgent`),
  member: (topicId: number, userName: string) => call<Membership>(`ChatTopic/${topicId}/UserAgent/${encodeURIComponent(userName)}`),
  setMember: (topicId: number, member: Omit<Membership, 'TopicId' | 'User'> & { AssociateId: number }) =>
    post<Membership>(`ChatTopic/${topicId}/UserAgent`, { ...member, User: { AssociateId: member.AssociateId } }),
  removeMember: (topicId: number, userName: string) => call<null>(`ChatTopic/${topicId}/UserAgent/${encodeURIComponent(userName)}`, { method: 'DELETE' }),

  presence: () => agentsChat<ChatPresence[]>('GetChatPresence'),
  savePresence: (userId: number, present: boolean) => agentsChat<null>('SaveChatPresence', { chatPresence: [{ userId, present }] }),

  ticket: () => post<{ Ticket: string }>('ChatSession/Events/Ticket'),
  session: (id: number) => call<ChatSessionEntity>(`ChatSession/${id}`),
  messages: (id: number, after = 0) => call<ChatMessage[]>(`ChatSession/${id}/Messages?after=${after}`),
  send: (id: number, text: string, key: string) => post<ChatMessage>(`ChatSession/${id}/Messages`, { Message: text }, { 'Idempotency-Key': key }),
  typing: (id: number, typing: boolean) => post<null>(`ChatSession/${id}/Typing`, { Typing: typing }),
  pickUp: (id: number) => post<ChatSessionEntity | null>(`ChatSession/${id}/Pickup`),
  pickUpFirst: () => post<ChatSessionEntity | null>('ChatSession/Pickup'),
  transfer: (id: number, to: number) => post<ChatSessionEntity>(`ChatSession/${id}/TransferTo/${to}`),
  acceptTransfer: (id: number) => post<ChatSessionEntity>(`ChatSession/${id}/AcceptTransfer`),
  rejectTransfer: (id: number) => post<ChatSessionEntity>(`ChatSession/${id}/RejectTransfer`),
  reset: (id: number) => post<ChatSessionEntity>(`ChatSession/${id}/Reset`),
  end: (id: number) => post<ChatSessionEntity>(`ChatSession/${id}/End`),
  history: (search: string, skip: number, top: number) => {
    const query = new URLSearchParams({ $filter: 'WhenEnded ne null', $orderby: 'ChatSessionId desc', $skip: String(skip), $top: String(top) });
    if (search.trim() !== '') query.set('$search', search.trim());
    return call<Archive>(`ChatSession?${query}`);
  },
  /** A chat's transcript as GetChatTranscript words it: text, or an HTML fragment; in English, with the times in the browser's zone. */
  transcript: (id: number, asHtml: boolean) => {
    const query = new URLSearchParams({ html: String(asHtml), lang: 'en', tz: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC' });
    return post<string>(`ChatSession/${id}/Transcript?${query}`);
  },

  /** The requests visitors left in the agent's topics, the newest first: open ones, or (`handled`) those handled. */
  offlineRequests: (handled: boolean) => call<OfflineRequest[]>(`ChatSession/OfflineRequests?handled=${handled}`),
  setHandled: (id: number, handled: boolean) => call<OfflineRequest>(`ChatSession/${id}/Handled`, { method: 'PUT', body: { Handled: handled } }),
  /** Per topic and agent, and the latest: of the topics the agent manages, else of its own chats. */
  ratings: () => call<RatingSummary>('ChatSession/Ratings'),

  cannedReplies: (topicId: number) => call<CannedReply[]>(`ChatTopic/${topicId}/CannedReplies`),
  addCannedReply: (topicId: number, reply: { Name: string; Text: string }) => post<CannedReply>(`ChatTopic/${topicId}/CannedReplies`, reply),
  saveCannedReply: (reply: CannedReply) =>
    call<CannedReply>(`ChatTopic/${reply.TopicId}/CannedReplies/${reply.CannedReplyId}`, { method: 'PUT', body: { Name: reply.Name, Text: reply.Text } }),
  deleteCannedReply: (reply: CannedReply) => call<null>(`ChatTopic/${reply.TopicId}/CannedReplies/${reply.CannedReplyId}`, { method: 'DELETE' }),
};
