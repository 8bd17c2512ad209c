/**
 * What the browser tests of the forms around a chat share: the widget on the page, its panel
 * opened, controls found by their labels across the shadow roots, the agent's side through the
 * runner's commands (web-test-runner.config.mjs).
 */
import { fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import type { ChatMessage } from '@chatline/shared';
import '../chat-widget/chat-widget.ts';
import type { ChatWidget } from '../chat-widget/chat-widget.ts';
import type { ChatSessionCreatedEvent } from '../events.ts';

declare global {
  interface Window {
    CHAT_SERVER_URL: string;
    CHAT_IDLE_SERVER_URL: string;
    CHAT_CLOSED_TOPIC_ID: number;
    CHAT_AWAY_TOPIC_ID: number;
    CHAT_QUEUE_TOPIC_ID: number;
    CHAT_AFTER_TOPIC_ID: number;
    CHAT_IDLE_TOPIC_ID: number;
  }
}

export const serverUrl = (): string => window.CHAT_SERVER_URL;

/** Puts the widget on the page and waits for its launcher. */
export async function mount(topicId: number, { server = serverUrl(), lang = '' } = {}): Promise<ChatWidget> {
  const element = await fixture<ChatWidget>(html`<chat-widget topic-id=${topicId} server-url=${server} lang=${lang}></chat-widget>`);
  await waitUntil(() => element.shadowRoot!.querySelector('.launcher'), 'the launcher appears', { timeout: 5000 });
  await element.updateComplete;
  return element;
}

export async function open(element: ChatWidget): Promise<ShadowRoot> {
  const root = element.shadowRoot!;
  root.querySelector<HTMLButtonElement>('.launcher')!.click();
  await element.updateComplete;
  await Promise.all(root.querySelector('.panel')!.getAnimations().map((animation) => animation.finished));
  return root;
}

/** Every element matching `selector` in `root` and in the shadow roots inside it. */
export function queryAll<E extends Element = HTMLElement>(root: ParentNode, selector: string): E[] {
  return [...root.querySelectorAll('*')].flatMap((element) => [
    ...(element.matches(selector) ? [element as E] : []),
    ...(element.shadowRoot ? queryAll<E>(element.shadowRoot, selector) : []),
  ]);
}

export function query<E extends Element = HTMLElement>(root: ParentNode, selector: string): E | null {
  return queryAll<E>(root, selector)[0] ?? null;
}

export async function shows<E extends Element = HTMLElement>(root: ParentNode, selector: string, what = selector, timeout = 5000): Promise<E> {
  await waitUntil(() => query(root, selector), `${what} shows`, { timeout });
  return query<E>(root, selector)!;
}

/** The element that has focus, inside the shadow roots too. */
export function focused(root: ShadowRoot): Element | null {
  let element = root.activeElement;
  while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
  return element;
}

/** The form control whose visible label starts with the given text. */
export function byLabel<E extends HTMLElement = HTMLInputElement>(root: ParentNode, text: string): E {
  const label = queryAll<HTMLLabelElement>(root, 'label').find((l) => l.textContent!.trim().startsWith(text));
  if (!label) throw new Error(`no label "${text}" (there are ${queryAll(root, 'label').map((l) => `"${l.textContent!.trim()}"`).join(', ')})`);
  return label.control as E;
}

/** Types into a control as the visitor would: its value, and the input event. */
export function type(control: HTMLInputElement | HTMLTextAreaElement, value: string) {
  control.value = value;
  control.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
}

export function button(root: ParentNode, text: string): HTMLButtonElement {
  const found = queryAll<HTMLButtonElement>(root, 'button').find((b) => b.textContent!.trim() === text);
  if (!found) throw new Error(`no button "${text}" (there are ${queryAll(root, 'button').map((b) => `"${b.textContent!.trim()}"`).join(', ')})`);
  return found;
}

/** The polite status line of the panel, as one line. */
export const statusText = (root: ShadowRoot) => root.querySelector('.status')!.textContent!.replace(/\s+/g, ' ').trim();

export async function statusSays(root: ShadowRoot, text: string, timeout = 5000) {
  await waitUntil(() => statusText(root).includes(text), `the status says "${text}" (it says "${statusText(root)}")`, { timeout });
}

/** The conversation's shadow root, once it shows. */
export async function conversation(root: ShadowRoot): Promise<ShadowRoot> {
  await waitUntil(() => root.querySelector('chat-conversation')?.shadowRoot?.querySelector('[role=log]'), 'the conversation shows', { timeout: 5000 });
  return root.querySelector('chat-conversation')!.shadowRoot!;
}

/** The texts of the conversation's log. */
export const logTexts = (inner: ShadowRoot) => [...inner.querySelectorAll('[role=log] li')].map((item) => item.querySelector('.bubble, .text')!.textContent!);

export async function logShows(inner: ShadowRoot, text: string, timeout = 5000) {
  await waitUntil(() => logTexts(inner).some((entry) => entry.includes(text)), `the log shows "${text}" (it has ${JSON.stringify(logTexts(inner))})`, { timeout });
}

export type Chat = { element: ChatWidget; root: ShadowRoot; id: number };

/** Requests a chat through the pre-chat form (a name, consent, perhaps an email) and waits for the conversation. */
export async function startChat(topicId: number, { server = serverUrl(), lang = '', email = '' } = {}): Promise<Chat> {
  sessionStorage.clear();
  const element = await mount(topicId, { server, lang });
  const root = await open(element);
  const form = root.querySelector('chat-prechat-form')!;
  await form.updateComplete;
  const formRoot = form.shadowRoot!;
  const fill = (name: string, value: string) => type(formRoot.querySelector<HTMLInputElement>(`[name=${name}]`)!, value);
  fill('CustomerName', 'Kari Nordmann');
  if (email) fill('CustomerEmail', email);
  formRoot.querySelector<HTMLInputElement>('[name=CustomerConsented]')?.click();
  await form.updateComplete;
  const created = oneEvent(element, 'chat-session-created') as Promise<ChatSessionCreatedEvent>;
  formRoot.querySelector<HTMLButtonElement>('button[type=submit]')!.click();
  const { detail } = await created;
  await conversation(root);
  return { element, root, id: detail.chatSessionId };
}

export const agent = {
  pickUp: (id: number) => executeServerCommand('pick-up', { id }),
  says: (id: number, message: string) => executeServerCommand('agent-says', { id, message }) as Promise<ChatMessage>,
  ends: (id: number) => executeServerCommand('agent-ends', { id }),
  messages: (id: number) => executeServerCommand('read-messages', { id }) as Promise<ChatMessage[]>,
  session: (id: number) => executeServerCommand('read-session', { id }) as Promise<Record<string, unknown>>,
};

/** The agent on the server of short times (a visitor gone after 2 s, idle after 2 s, reopen within 3 s). */
export const idleAgent = {
  pickUp: (id: number) => executeServerCommand('idle-pick-up', { id }),
  ends: (id: number) => executeServerCommand('idle-agent-ends', { id }),
  session: (id: number) => executeServerCommand('idle-read-session', { id }) as Promise<Record<string, unknown>>,
};

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
