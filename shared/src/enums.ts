/**
 * SuperOffice enums, sent on the wire by name. Values are SuperOffice's own, so a client that
 * sends the number instead of the name is understood too.
 */

/** Where a chat session is in its life. A visitor's new session starts `InQueue`. */
export const ChatSessionStatus = {
  Invalid: 0,
  PreChatForm: 1,
  Faq: 2,
  OfflineForm: 3,
  InQueue: 4,
  CustomerLast: 5,
  UserLast: 6,
  Finished: 7,
  Deleted: 8,
  Closed: 9,
  RequestPosted: 10,
  ClosedFromQueue: 11,
} as const;
export type ChatSessionStatusName = keyof typeof ChatSessionStatus;
export type ChatSessionStatusValue = (typeof ChatSessionStatus)[ChatSessionStatusName];

/**
 * Flags of a chat session. The value is the flag's bit position; on the wire several flags are
 * written comma-separated (`"CustomerIsTyping, UserIsTyping"`), no flag as an empty string.
 */
export const ChatSessionFlags = {
  CustomerIsTyping: 0,
  UserIsTyping: 1,
} as const;
export type ChatSessionFlagName = keyof typeof ChatSessionFlags;

// Pure, with their arguments: a bundle that only names the statuses (the widget) leaves them out.
const statusByLowerName = /* @__PURE__ */ new Map(
  /* @__PURE__ */ Object.entries(ChatSessionStatus).map(([name, value]) => [name.toLowerCase(), value]),
);
const statusNameByValue = /* @__PURE__ */ new Map(
  /* @__PURE__ */ Object.entries(ChatSessionStatus).map(([name, value]) => [value as number, name as ChatSessionStatusName]),
);

/** The status value for a name (any case) or number, or `undefined` when there is none. */
export function parseStatus(input: unknown): ChatSessionStatusValue | undefined {
  if (typeof input === 'number') {
    return statusNameByValue.has(input) ? (input as ChatSessionStatusValue) : undefined;
  }
  if (typeof input === 'string') return statusByLowerName.get(input.trim().toLowerCase());
  return undefined;
}

export function statusName(value: number): ChatSessionStatusName {
  return statusNameByValue.get(value) ?? 'Invalid';
}

/** Each ChatSessionFlags name's bit in the stored mask. */
export const ChatSessionFlagMasks: Readonly<Record<ChatSessionFlagName, number>> = {
  CustomerIsTyping: 1, // 1 << ChatSessionFlags.CustomerIsTyping
  UserIsTyping: 2, // 1 << ChatSessionFlags.UserIsTyping
};

type Flags = Readonly<Record<string, number>>;

/**
 * A mask from a flag enum's wire form: names separated by commas (any case, any spacing, as
 * the official client splits them on `/,\s*\/`; `None` for none) or the mask as a number.
 * Undefined when it is neither.
 */
export function parseFlagNames(flags: Flags, input: unknown): number | undefined {
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

/** The names of the mask's flags joined by `, `, as .NET's Enum.ToString() writes them; empty for none. */
export function formatFlagNames(flags: Flags, mask: number): string {
  if (mask === 0) return '';
  return Object.entries(flags)
    .filter(([, bit]) => (mask & bit) !== 0)
    .map(([name]) => name)
    .join(', ');
}

export const parseFlags = (input: unknown) => parseFlagNames(ChatSessionFlagMasks, input);
export const formatFlags = (mask: number) => formatFlagNames(ChatSessionFlagMasks, mask);

/** Who a chat message is for: the visitor (from an agent or a bot), the agent (from the visitor), or a special one. */
export const ChatMessageType = {
  Invalid: 0,
  ToCustomer: 1,
  ToUser: 2,
  Special: 3,
} as const;
export type ChatMessageTypeName = keyof typeof ChatMessageType;

/** What a Special message is about. SuperOffice's values: 4 does not exist, and the misspelling is theirs. */
export const ChatMessageSpecialType = {
  None: 0,
  Welcome: 1,
  Url: 2,
  Block: 3,
  NewSession: 5,
  TransferedSession: 6,
  Error: 7,
  SessionDeleted: 8,
  FaqSuccessQuestion: 9,
  ClosedByUser: 10,
  ClosedByCustomer: 11,
  ClosedByIdle: 12,
  TransferRejected: 13,
  ReopenedByCustomer: 14,
  ClickedOption: 15,
  BotMessage: 16,
  Options: 17,
  IllegalFileType: 18,
} as const;
export type ChatMessageSpecialTypeName = keyof typeof ChatMessageSpecialType;

/** An enum's value for a name (any case) or its number, or undefined when it has neither. */
export function parseEnum(values: Readonly<Record<string, number>>, input: unknown): number | undefined {
  if (typeof input === 'number') return Object.values(values).includes(input) ? input : undefined;
  if (typeof input !== 'string') return undefined;
  const name = input.trim().toLowerCase();
  return Object.entries(values).find(([key]) => key.toLowerCase() === name)?.[1];
}

/** The name of an enum's value, as the wire carries it; the first name (Invalid, None) for an unknown one. */
export function enumName(values: Readonly<Record<string, number>>, value: number): string {
  const names = Object.keys(values);
  return names.find((name) => values[name] === value) ?? names[0]!;
}
