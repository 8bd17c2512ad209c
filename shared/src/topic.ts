/**
 * Chat topics: what the widget needs to lay out its form, and which customer fields a topic
 * requires or leaves out. Names are SuperOffice's (ChatTopicEntity, ChatWidgetSettings).
 */
import type { ChatSessionFieldName } from './types.ts';

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

type Flags = Readonly<Record<string, number>>;

/** The mask for `"Email, Phone"` (names in any case, `None` for none) or a number; undefined when it is neither. */
function parseNames(flags: Flags, input: unknown): number | undefined {
  const all = Object.values(flags).reduce((mask, bit) => mask | bit, 0);
  if (typeof input === 'number') return Number.isInteger(input) && input >= 0 && (input & ~all) === 0 ? input : undefined;
  if (typeof input !== 'string') return undefined;
  let mask = 0;
  for (const part of input.split(',')) {
    const name = part.trim().toLowerCase();
    if (name === '' || name === 'none') continue;
    const bit = Object.entries(flags).find(([flag]) => flag.toLowerCase() === name)?.[1];
    if (bit === undefined) return undefined;
    mask |= bit;
  }
  return mask;
}

function formatNames(flags: Flags, mask: number): string {
  return Object.entries(flags)
    .filter(([, bit]) => (mask & bit) !== 0)
    .map(([name]) => name)
    .join(', ');
}

export const parseRequiredFields = (input: unknown) => parseNames(ChatTopicRequiredFields, input);
export const formatRequiredFields = (mask: number) => formatNames(ChatTopicRequiredFields, mask);
export const parseWidgetFields = (input: unknown) => parseNames(ChatWidgetFields, input);
export const formatWidgetFields = (mask: number) => formatNames(ChatWidgetFields, mask);

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
};
