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

/** The part of a topic any page may read: what the widget shows and asks for. */
export type ChatTopicWidgetInfo = {
  ChatTopicId: number;
  Name: string;
  WelcomeMessage: string;
  Language: string;
  CollectConsent: boolean;
  Widget: {
    RequiredFields: string;
    /** Form fields the widget does not ask for (a required field is asked all the same). */
    HiddenFields: string;
    WelcomeTitle: string;
    WelcomeMessage: string;
    Color: string;
    ConsentText: string;
    PrivacyPolicyUrl: string;
  };
};

/** A topic as agents see and change it. */
export type ChatTopicEntity = ChatTopicWidgetInfo & {
  Description: string;
  /** Origins whose pages may request chats in the topic (our addition to SuperOffice's entity). */
  AllowedOrigins: string[];
  TableRight: TableRight;
  FieldProperties: FieldProperties;
  _Links?: Links;
};
