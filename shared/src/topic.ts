/**
 * Chat topics: what the widget needs to lay out its form, and which customer fields a topic
 * requires. Names are SuperOffice's (ChatTopicEntity, ChatWidgetSettings).
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

/** The ChatSession field each required-field flag asks the visitor for. */
export const requiredFieldTargets: Record<ChatTopicRequiredFieldName, ChatSessionFieldName> = {
  Email: 'CustomerEmail',
  Name: 'CustomerName',
  Company: 'CustomerCompanyName',
  Phone: 'CustomerPhone',
};

const allRequired = Object.values(ChatTopicRequiredFields).reduce<number>((mask, bit) => mask | bit, 0);
const byLowerName = new Map(Object.entries(ChatTopicRequiredFields).map(([name, bit]) => [name.toLowerCase(), bit]));

/** The mask for `"Email, Phone"` (names in any case) or a number; undefined when it is neither. */
export function parseRequiredFields(input: unknown): number | undefined {
  if (typeof input === 'number') return Number.isInteger(input) && (input & ~allRequired) === 0 && input >= 0 ? input : undefined;
  if (typeof input !== 'string') return undefined;
  let mask = 0;
  for (const part of input.split(',')) {
    const name = part.trim().toLowerCase();
    if (name === '' || name === 'none') continue;
    const bit = byLowerName.get(name);
    if (bit === undefined) return undefined;
    mask |= bit;
  }
  return mask;
}

export function formatRequiredFields(mask: number): string {
  return Object.entries(ChatTopicRequiredFields)
    .filter(([, bit]) => (mask & bit) !== 0)
    .map(([name]) => name)
    .join(', ');
}

/** The ChatSession fields a topic's mask requires, in the form's order. */
export function requiredCustomerFields(mask: number): ChatSessionFieldName[] {
  return (Object.keys(ChatTopicRequiredFields) as ChatTopicRequiredFieldName[])
    .filter((name) => (mask & ChatTopicRequiredFields[name]) !== 0)
    .map((name) => requiredFieldTargets[name]);
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
