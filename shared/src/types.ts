/**
 * The ChatSession entity and the reference types nested in it, as the SuperOffice WebAPI
 * writes them on the wire (PascalCase, dates as ISO 8601 strings with an offset).
 */
import type { ChatSessionStatusName } from './enums.ts';

/** An ISO 8601 date-time with its offset, e.g. `2026-11-26T21:22:15.123+00:00`. */
export type DateTimeString = string;

/** What the caller may do with the whole entity. Mask is a set of names, `FULL` for all. */
export type TableRight = {
  Mask: string;
  Reason: string;
};

export type FieldRight = {
  Mask: string;
  Reason: string;
};

export type FieldProperty = {
  FieldRight: FieldRight;
  /** The .NET type name: `System.String`, `System.Int32`, `System.Boolean`, `System.DateTime`. */
  FieldType: string;
  FieldLength: number;
};

export type FieldProperties = Record<string, FieldProperty>;

/** Carriers nested in an entity may carry their own rights, as the reference sample shows. */
type WithRights = {
  TableRight?: TableRight | Record<string, never>;
  FieldProperties?: FieldProperties;
};

/** An agent (SuperOffice user). Used for User and TransferTo. */
export type Associate = WithRights & {
  AssociateId: number;
  Name: string;
  PersonId: number;
  Rank: number;
  Tooltip: string;
  Type: string;
  GroupIdx: number;
  FullName: string;
  FormalName: string;
  Deleted: boolean;
  EjUserId: number;
  UserName: string;
};

export type Person = WithRights & {
  Position: string;
  PersonId: number;
  Mrmrs: string;
  Firstname: string;
  Lastname: string;
  MiddleName: string;
  Title: string;
  Description: string;
  Email: string;
  FullName: string;
  DirectPhone: string;
  FormalName: string;
  CountryId: number;
  ContactId: number;
  ContactName: string;
  Retired: number;
  Rank: number;
  ActiveInterests: number;
  ContactDepartment: string;
  ContactCountryId: number;
  ContactOrgNr: string;
  FaxPhone: string;
  MobilePhone: string;
  ContactPhone: string;
  AssociateName: string;
  AssociateId: number;
  UsePersonAddress: boolean;
  ContactFax: string;
  Kanafname: string;
  Kanalname: string;
  Post1: string;
  Post2: string;
  Post3: string;
  EmailName: string;
  ContactFullName: string;
  ActiveErpLinks: number;
  TicketPriorityId: number;
  SupportLanguageId: number;
  SupportAssociateId: number;
  CategoryName: string;
};

export type Contact = WithRights & {
  ContactId: number;
  Name: string;
  OrgNr: string;
  Department: string;
  URL: string;
  City: string;
  DirectPhone: string;
  AssociateId: number;
  CountryId: number;
  EmailAddress: string;
  Kananame: string;
  EmailAddressName: string;
  URLName: string;
  AssociateFullName: string;
  BusinessName: string;
  CategoryName: string;
  CountryName: string;
  Address: Record<string, unknown>;
  FormattedAddress: string;
  FullName: string;
  IsOwnerContact: boolean;
  ActiveErpLinks: number;
};

export type Project = WithRights & {
  ProjectId: number;
  Name: string;
  Description: string;
  URL: string;
  Type: string;
  AssociateId: number;
  AssociateFullName: string;
  TypeId: number;
  Updated: DateTimeString;
  StatusId: number;
  Status: string;
  TextId: number;
  PublishTo: DateTimeString;
  PublishFrom: DateTimeString;
  IsPublished: boolean;
  URLName: string;
  ProjectNumber: string;
  ActiveErpLinks: number;
};

export type Sale = WithRights & {
  ContactName: string;
  SaleDate: DateTimeString;
  SaleId: number;
  Probability: number;
  Title: string;
  Amount: number;
  Currency: string;
  ProjectName: string;
  AssociateFullName: string;
  Description: string;
  Status: string;
  WeightedAmount: number;
  ProjectId: number;
  EarningPercent: number;
  Earning: number;
  ContactId: number;
  AssociateId: number;
  PersonId: number;
  SaleTypeId: number;
  SaleTypeName: string;
  PersonFullName: string;
  Completed: string;
  ActiveErpLinks: number;
  NextDueDate: DateTimeString;
  Number: string;
};

export type Ticket = WithRights & {
  TicketId: number;
  Title: string;
  CreatedAt: DateTimeString;
  LastChanged: DateTimeString;
  ReadByOwner: DateTimeString;
  ReadByCustomer: DateTimeString;
  FirstReadByUser: DateTimeString;
  Activate: DateTimeString;
  ClosedAt: DateTimeString;
  RepliedAt: DateTimeString;
  AlertTimeout: DateTimeString;
  Deadline: DateTimeString;
  CreatedBy: number;
  CreatedByName: string;
  Author: string;
  OwnedBy: number;
  OwnedByName: string;
  Category: number;
  CategoryName: string;
  CategoryFullname: string;
  Slevel: string;
  Priority: number;
  BaseStatus: string;
  TicketStatus: number;
  Origin: string;
  CustId: number;
  CustFirstname: string;
  CustMiddleName: string;
  CustLastname: string;
  AlertLevel: number;
  ConnectId: number;
  ReadStatus: string;
  TimeToReply: number;
  RealTimeToReply: number;
  TimeToClose: number;
  RealTimeToClose: number;
  TimeSpentInternally: number;
  TimeSpentExternally: number;
  TimeSpentQueue: number;
  RealTimeSpentInternally: number;
  RealTimeSpentExternally: number;
  RealTimeSpentQueue: number;
  HasAttachment: boolean;
  NumReplies: number;
  NumMessages: number;
  FromAddress: string;
  CustFullname: string;
  TicketStatusDisplayValue: string;
};

/** The fields of a chat session, in the reference page's order. */
export type ChatSessionFields = {
  ChatSessionId: number;
  TopicId: number;
  User: Associate | null;
  Person: Person | null;
  CustomerAlias: string | null;
  CustomerHost: string | null;
  CustomerName: string | null;
  CustomerEmail: string | null;
  CustomerPhone: string | null;
  CustomerConsented: boolean;
  CustomerCompanyName: string | null;
  Status: ChatSessionStatusName;
  FirstMessage: string | null;
  LastMessage: string | null;
  WhenRequested: DateTimeString | null;
  WhenStarted: DateTimeString | null;
  WhenEnded: DateTimeString | null;
  WhenIdle: DateTimeString | null;
  WhenFetched: DateTimeString | null;
  /** Returned once, to the creator of the session; null when read later. */
  SessionKey: string | null;
  InitialQueuePos: number;
  AlertLevel: number;
  Rank: number;
  /** Flag names separated by `, ` (see ChatSessionFlags); empty for none. */
  Flags: string;
  Contact: Contact | null;
  Project: Project | null;
  Sale: Sale | null;
  Ticket: Ticket | null;
  TransferTo: Associate | null;
};

export type ChatSessionFieldName = keyof ChatSessionFields;

export type Links = {
  Self: string;
  Archive: string;
};

/** The ChatSession entity as the API answers it. */
export type ChatSessionEntity = ChatSessionFields & {
  TableRight: TableRight;
  FieldProperties: FieldProperties;
  _Links?: Links;
};

/** The one error shape of every 4xx and 5xx answer. */
export type ApiErrorBody = {
  Error: true;
  ErrorType: string;
  ErrorMessage: string;
  ErrorSource: string;
  /** Present on validation errors: one entry per field that was refused. */
  FieldErrors?: FieldError[];
  /** The request's id, also in the X-Request-Id header and the server's log line. */
  RequestId?: string;
};

export type FieldError = FieldProblem & { Message: string };

/** What the shared rules find wrong with a field; each side words it in its own language. */
export type FieldProblem = {
  /** The field's wire name, e.g. `CustomerEmail`. */
  Field: string;
  /** A stable code a client can translate: see `FieldErrorCode`. */
  Code: FieldErrorCode;
};

/** What the record of an agent's access holds (`GET /api/v1/Associate/{id}/SignIns`, the log lines' `kind`). */
export type SignInKind =
  | 'sign_in'
  | 'sign_in_failed'
  | 'sign_in_throttled'
  | 'token_created'
  | 'tokens_revoked'
  | 'agent_added'
  | 'agent_removed'
  | 'password_changed';

export type FieldErrorCode =
  | 'type'
  | 'too_long'
  | 'characters'
  | 'email'
  | 'phone'
  | 'required'
  | 'consent'
  | 'unknown_topic'
  | 'unknown_associate'
  | 'ambiguous'
  | 'not_allowed'
  | 'too_short'
  | 'user_name'
  | 'stop_before_start'
  | 'negative'
  | 'range'
  | 'already_rated'
  | 'not_ended';

/** A message of a chat, as the WebAPI writes it (SuperOffice's ChatMessage carrier). */
export type ChatMessage = {
  ChatMessageId: number;
  ChatSessionId: number;
  /** A ChatMessageType name: ToCustomer (from an agent), ToUser (from the visitor), Special. */
  Type: string;
  Message: string;
  /** The name of who wrote it, as the other side sees it. */
  Author: string;
  /** 1 once the visitor has seen it. */
  ReadByCustomer: number;
  /** A ChatMessageSpecialType name; None for an ordinary message. */
  SpecialType: string;
  SpecialParam: string | null;
  WhenPosted: DateTimeString;
};

/** A reply an agent picks instead of typing it, kept per topic (`/api/v1/ChatTopic/{id}/CannedReplies`). */
export type CannedReply = {
  CannedReplyId: number;
  TopicId: number;
  /** What agents pick it by: unique in its topic, in any case. */
  Name: string;
  Text: string;
};
