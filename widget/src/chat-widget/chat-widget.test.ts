import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import type { TemplateResult } from 'lit';
import { emulateMedia, executeServerCommand, sendKeys, setViewport } from '@web/test-runner-commands';
import type { ChatErrorEvent, ChatSessionCreatedEvent } from '../events.ts';
import './chat-widget.ts';
import type { ChatWidget } from './chat-widget.ts';

declare global {
  interface Window {
    CHAT_SERVER_URL: string;
    CHAT_TOPIC_ID: number;
    CHAT_GERMAN_TOPIC_ID: number;
    CHAT_SHORT_TOPIC_ID: number;
    CHAT_COMPANY_TOPIC_ID: number;
    CHAT_FULL_TOPIC_ID: number;
    CHAT_LIMITED_SERVER_URL: string;
  }
}

const serverUrl = window.CHAT_SERVER_URL;
const topicId = window.CHAT_TOPIC_ID;
const germanTopicId = window.CHAT_GERMAN_TOPIC_ID;
/** Leaves out the display name, the company, the phone and the first message. */
const shortTopicId = window.CHAT_SHORT_TOPIC_ID;
/** Requires the company. */
const companyTopicId = window.CHAT_COMPANY_TOPIC_ID;
/** Asks for every field, requires four, collects consent and links its privacy policy. */
const fullTopicId = window.CHAT_FULL_TOPIC_ID;

/** Puts the element on the page and waits for its launcher, which shows once its language is known. */
async function mount(template: TemplateResult): Promise<ChatWidget> {
  const element = await fixture<ChatWidget>(template);
  await waitUntil(() => element.shadowRoot!.querySelector('.launcher'), 'the launcher appears');
  await element.updateComplete;
  return element;
}

async function openWidget(element: ChatWidget): Promise<ShadowRoot> {
  const root = element.shadowRoot!;
  root.querySelector<HTMLButtonElement>('.launcher')!.click();
  await element.updateComplete;
  await root.querySelector('chat-prechat-form')?.updateComplete;
  // The panel slides in (unless the visitor asked for less motion): measure it where it ends.
  await Promise.all(root.querySelector('.panel')!.getAnimations().map((animation) => animation.finished));
  return root;
}

/** Every element matching `selector` in `root` and in the shadow roots inside it (the form's). */
function queryAll<E extends Element = HTMLElement>(root: ParentNode, selector: string): E[] {
  return [...root.querySelectorAll('*')].flatMap((element) => [
    ...(element.matches(selector) ? [element as E] : []),
    ...(element.shadowRoot ? queryAll<E>(element.shadowRoot, selector) : []),
  ]);
}

function query<E extends Element = HTMLElement>(root: ParentNode, selector: string): E | null {
  return queryAll<E>(root, selector)[0] ?? null;
}

/** The open panel, or null when it is closed. */
function openPanel(root: ShadowRoot): HTMLDialogElement | null {
  return root.querySelector<HTMLDialogElement>('dialog[open]');
}

/** The element that has focus, inside the form's shadow root too. */
function focused(root: ShadowRoot): Element | null {
  let element = root.activeElement;
  while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
  return element;
}

/** The text of the panel as a visitor reads it, the form's included. */
function panelText(root: ShadowRoot): string {
  return queryAll(root, 'h2, p, label, button').map((element) => element.textContent).join(' ');
}

/** The form control whose visible label starts with the given text. */
function byLabel(root: ShadowRoot, text: string): HTMLInputElement {
  const label = queryAll<HTMLLabelElement>(root, 'label').find((l) => l.textContent!.trim().startsWith(text));
  if (!label) throw new Error(`no label "${text}"`);
  return label.control as HTMLInputElement;
}

async function type(element: ChatWidget, input: HTMLInputElement, value: string) {
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  await element.updateComplete;
}

async function consent(element: ChatWidget, root: ShadowRoot) {
  byLabel(root, 'I agree').click();
  await element.updateComplete;
}

/** Types a name, consents and submits a request that fails; resolves the widget's chat-error. */
async function submitFailing(element: ChatWidget, root: ShadowRoot): Promise<ChatErrorEvent> {
  await type(element, byLabel(root, 'Full name'), 'Kari Nordmann');
  await consent(element, root);
  const failed = oneEvent(element, 'chat-error') as Promise<ChatErrorEvent>;
  submitButton(root).click();
  const event = await failed;
  await element.updateComplete;
  return event;
}

function submitButton(root: ShadowRoot): HTMLButtonElement {
  return query<HTMLButtonElement>(root, 'button[type=submit]')!;
}

/** The text of the message the field's aria-describedby points at. */
function describedText(_root: ShadowRoot, input: HTMLElement): string {
  const ids = (input.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean);
  const inputRoot = input.getRootNode() as ShadowRoot;
  return ids.map((id) => inputRoot.getElementById(id)?.textContent?.trim() ?? '').join(' ');
}

/** Fills the form's required fields and consent, submits, and resolves the new session's id and key. */
async function requestChat(element: ChatWidget, root: ShadowRoot): Promise<{ id: number; key: string; position: number }> {
  await type(element, byLabel(root, 'Full name'), 'Kari Nordmann');
  await consent(element, root);
  const created = oneEvent(element, 'chat-session-created') as Promise<ChatSessionCreatedEvent>;
  submitButton(root).click();
  const { detail } = await created;
  const kept = JSON.parse(sessionStorage.getItem(`chatline:${serverUrl}:${element.topicId}`)!);
  return { id: detail.chatSessionId, key: kept.key, position: detail.initialQueuePos };
}

/** The session as its visitor reads it, with its key. */
async function readSession(id: number, key: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${serverUrl}/api/v1/ChatSession/${id}`, { headers: { 'X-Chat-Session-Key': key } });
  return response.json();
}

describe('<chat-widget>', () => {
  beforeEach(() => {
    sessionStorage.clear();
    localStorage.clear();
  });
  it('shows a launcher button and no form until it is opened', async () => {
    const element = await mount(html`<chat-widget server-url=${serverUrl}></chat-widget>`);
    const launcher = element.shadowRoot!.querySelector<HTMLButtonElement>('.launcher')!;
    expect(launcher.textContent!.trim()).to.equal('Chat with us');
    expect(launcher.getAttribute('aria-expanded')).to.equal('false');
    expect(openPanel(element.shadowRoot!)).to.equal(null);
    expect(query(element.shadowRoot!, 'form')?.checkVisibility() ?? false).to.equal(false);
  });

  it('reads no storage and sends no request in the task that puts it on the page', async () => {
    const calls: string[] = [];
    const fetchBefore = window.fetch;
    const getItemBefore = Storage.prototype.getItem;
    window.fetch = (...args) => (calls.push('fetch'), fetchBefore(...args));
    Storage.prototype.getItem = function (key) {
      calls.push('storage');
      return getItemBefore.call(this, key);
    };
    try {
      const element = document.createElement('chat-widget') as ChatWidget;
      element.setAttribute('server-url', serverUrl);
      element.topicId = topicId;
      document.body.append(element);
      // The page's task goes on undisturbed: the widget's first work waits for a task of its own.
      expect(calls).to.deep.equal([]);
      await waitUntil(() => element.shadowRoot!.querySelector('.launcher'), 'the launcher appears');
      expect(calls).to.include.members(['fetch', 'storage']);
      element.remove();
    } finally {
      window.fetch = fetchBefore;
      Storage.prototype.getItem = getItemBefore;
    }
  });

  it('opens a labelled panel with the pre-chat form, every input with a visible label', async () => {
    const element = await mount(html`<chat-widget server-url=${serverUrl}></chat-widget>`);
    const root = await openWidget(element);
    const panel = openPanel(root)!;
    expect(panel.getAttribute('aria-modal')).to.equal('true');
    expect(root.getElementById(panel.getAttribute('aria-labelledby')!)!.textContent).to.equal('Chat with us');
    expect(root.querySelector('.launcher')!.getAttribute('aria-expanded')).to.equal('true');

    const controls = queryAll<HTMLInputElement>(root, 'input, textarea');
    expect(controls.map((control) => control.name)).to.deep.equal([
      'CustomerAlias',
      'CustomerName',
      'CustomerEmail',
      'CustomerPhone',
      'FirstMessage',
      'CustomerConsented',
    ]);
    for (const control of controls) {
      expect(control.labels!.length, control.name).to.equal(1);
      expect(control.labels![0]!.textContent!.trim().length).to.be.greaterThan(0);
    }
    expect(byLabel(root, 'Email').type).to.equal('email');
    expect(byLabel(root, 'Email').autocomplete).to.equal('email');
    expect(byLabel(root, 'Phone').type).to.equal('tel');
    expect(byLabel(root, 'Display name').maxLength).to.equal(64);

    const consentBox = byLabel(root, 'I agree');
    expect(consentBox.required).to.equal(true);
    expect(consentBox.labels![0]!.querySelector('.required')!.textContent).to.equal('*');
    expect(panelText(root)).to.contain('Fields marked * are required.');
  });

  it('moves focus into the panel on open, keeps Tab inside it, and goes back to the launcher on Escape', async () => {
    const element = await mount(html`<chat-widget server-url=${serverUrl}></chat-widget>`);
    const root = element.shadowRoot!;
    root.querySelector<HTMLButtonElement>('.launcher')!.focus();
    await sendKeys({ press: 'Enter' });
    await element.updateComplete;
    expect(focused(root)).to.equal(byLabel(root, 'Display name'));

    // A modal dialog: Tab and Shift+Tab go round the panel's controls.
    const shiftTab = async () => {
      await sendKeys({ down: 'Shift' });
      await sendKeys({ press: 'Tab' });
      await sendKeys({ up: 'Shift' });
    };
    await shiftTab();
    expect(focused(root)).to.equal(root.querySelector('.close'));
    await shiftTab();
    expect(focused(root)).to.equal(submitButton(root));
    await sendKeys({ press: 'Tab' });
    expect(focused(root)).to.equal(root.querySelector('.close'));
    await sendKeys({ press: 'Tab' });
    expect(focused(root)).to.equal(byLabel(root, 'Display name'));

    await sendKeys({ press: 'Escape' });
    await element.updateComplete;
    expect(openPanel(root)).to.equal(null);
    expect(byLabel(root, 'Display name').checkVisibility()).to.equal(false);
    expect(focused(root)).to.equal(root.querySelector('.launcher'));
  });

  it('shows the shared rules\' messages next to their fields and sends nothing', async () => {
    const element = await mount(html`<chat-widget server-url=${serverUrl}></chat-widget>`);
    const root = await openWidget(element);
    let requested = false;
    element.addEventListener('chat-session-created', () => (requested = true));
    element.addEventListener('chat-error', () => (requested = true));

    await type(element, byLabel(root, 'Email'), 'kari@example');
    await type(element, byLabel(root, 'Phone'), 'call me');
    submitButton(root).click();
    await element.updateComplete;

    const email = byLabel(root, 'Email');
    expect(email.getAttribute('aria-invalid')).to.equal('true');
    expect(describedText(root, email)).to.equal('Enter an email address like name@example.com.');
    expect(describedText(root, byLabel(root, 'Phone'))).to.contain('phone number');
    const consentBox = byLabel(root, 'I agree');
    expect(consentBox.getAttribute('aria-invalid')).to.equal('true');
    expect(describedText(root, consentBox)).to.contain('Please agree');
    expect(byLabel(root, 'Full name').getAttribute('aria-invalid')).to.equal('false');
    expect(query(root, '[role=alert]')!.textContent).to.contain('correct the highlighted fields');
    await waitUntil(() => focused(root) === email, 'focus on the first invalid field');
    expect(requested).to.equal(false);

    await type(element, email, 'kari@example.com');
    expect(email.getAttribute('aria-invalid')).to.equal('false');
    expect(email.hasAttribute('aria-describedby')).to.equal(false);
  });

  it('requests a chat, disables the button while sending, and announces the queue position', async () => {
    const element = await mount(
      html`<chat-widget topic-id="1" server-url=${serverUrl}></chat-widget>`,
    );
    const root = await openWidget(element);
    await type(element, byLabel(root, 'Display name'), 'Kari');
    await type(element, byLabel(root, 'Email'), 'kari@example.com');
    await type(element, byLabel(root, 'Your question'), 'Do you service cargo bikes?');
    await consent(element, root);

    const created = oneEvent(element, 'chat-session-created') as Promise<ChatSessionCreatedEvent>;
    submitButton(root).click();
    await element.updateComplete;
    expect(submitButton(root).disabled).to.equal(true);
    expect(submitButton(root).textContent!.trim()).to.equal('Starting chat…');

    const event = await created;
    expect(event.bubbles && event.composed).to.equal(true);
    expect(event.detail.chatSessionId).to.be.a('number');
    expect(event.detail.initialQueuePos).to.be.greaterThan(0);
    await element.updateComplete;
    const status = root.querySelector('[role=status]')!;
    expect(status.textContent).to.contain(`You are number ${event.detail.initialQueuePos} in the queue.`);
    expect(query(root, 'form')).to.equal(null);
    await waitUntil(() => focused(root) === root.querySelector('.queued'), 'focus stays in the panel');

    const next = await mount(html`<chat-widget persist="none" server-url=${serverUrl}></chat-widget>`);
    sessionStorage.clear();
    const nextRoot = await openWidget(next);
    await consent(next, nextRoot);
    const nextCreated = oneEvent(next, 'chat-session-created') as Promise<ChatSessionCreatedEvent>;
    submitButton(nextRoot).click();
    expect((await nextCreated).detail.initialQueuePos).to.equal(event.detail.initialQueuePos + 1);
  });

  it('shows a server refusal that belongs to no field above the button, and keeps the input', async () => {
    const element = await mount(
      html`<chat-widget topic-id="999" server-url=${serverUrl}></chat-widget>`,
    );
    const root = await openWidget(element);
    expect((await submitFailing(element, root)).detail.status).to.equal(400);
    expect(query(root, '[role=alert]')!.textContent).to.contain('This chat topic does not exist.');
    expect(byLabel(root, 'Full name').value).to.equal('Kari Nordmann');
    expect(byLabel(root, 'I agree').checked).to.equal(true);
    expect(submitButton(root).disabled).to.equal(false);
  });

  it('puts a server\'s field error next to that field and keeps the input', async () => {
    const element = await mount(
      html`<chat-widget server-url=${`${location.origin}/newer-server`}></chat-widget>`,
    );
    const root = await openWidget(element);
    await type(element, byLabel(root, 'Email'), 'kari@example.com');
    await consent(element, root);
    const failed = oneEvent(element, 'chat-error');
    submitButton(root).click();
    await failed;
    await element.updateComplete;
    const email = byLabel(root, 'Email');
    expect(email.getAttribute('aria-invalid')).to.equal('true');
    expect(describedText(root, email)).to.equal('This email domain does not accept mail.');
    expect(email.value).to.equal('kari@example.com');
  });

  it('says so when the server cannot be reached, and keeps the input', async () => {
    const element = await mount(html`<chat-widget server-url="http://127.0.0.1:9"></chat-widget>`);
    const root = await openWidget(element);
    expect((await submitFailing(element, root)).detail.status).to.equal(0);
    expect(query(root, '[role=alert]')!.textContent).to.contain('could not reach the chat service');
    expect(byLabel(root, 'Full name').value).to.equal('Kari Nordmann');
  });

  it('lays out its form by the topic: title, text, colour, required fields, consent text and privacy link', async () => {
    const element = await mount(html`<chat-widget topic-id=${topicId} server-url=${serverUrl}></chat-widget>`);
    const root = await openWidget(element);
    await waitUntil(() => root.querySelector('h2')!.textContent === 'Rent a bike', 'the topic is applied');
    expect(query(root, '.intro')!.textContent).to.equal('We answer rental questions within minutes.');
    expect(getComputedStyle(root.querySelector('.launcher')!).backgroundColor).to.equal('rgb(11, 110, 79)');
    expect(byLabel(root, 'Email').required).to.equal(true);
    expect(byLabel(root, 'Full name').required).to.equal(true);
    expect(byLabel(root, 'Phone').required).to.equal(false);
    expect(byLabel(root, 'Email').labels![0]!.querySelector('.required')).to.not.equal(null);
    expect(byLabel(root, 'I agree').labels![0]!.textContent).to.contain('Nordhavn Cycles keeps my details');
    const privacy = query<HTMLAnchorElement>(root, '.privacy a')!;
    expect(privacy.href).to.equal('https://rent.example/privacy');
    expect(privacy.rel).to.contain('noopener');

    await consent(element, root);
    submitButton(root).click();
    await element.updateComplete;
    expect(describedText(root, byLabel(root, 'Email'))).to.equal('Please fill in this field.');
    expect(describedText(root, byLabel(root, 'Full name'))).to.equal('Please fill in this field.');

    await type(element, byLabel(root, 'Email'), 'kari@example.com');
    await type(element, byLabel(root, 'Full name'), 'Kari Nordmann');
    const created = oneEvent(element, 'chat-session-created') as Promise<ChatSessionCreatedEvent>;
    submitButton(root).click();
    expect((await created).detail.initialQueuePos).to.equal(1);
  });

  it('lets the page\'s own --chat-accent win over the topic\'s colour', async () => {
    const element = await mount(
      html`<chat-widget style="--chat-accent: rgb(200, 0, 0)" topic-id=${topicId} server-url=${serverUrl}></chat-widget>`,
    );
    const root = await openWidget(element);
    await waitUntil(() => root.querySelector('h2')!.textContent === 'Rent a bike', 'the topic is applied');
    expect(getComputedStyle(root.querySelector('.launcher')!).backgroundColor).to.equal('rgb(200, 0, 0)');
  });

  it('pre-fills the form from its attributes and from prefill(), without overwriting what was typed', async () => {
    const element = await mount(
      html`<chat-widget customer-name="Kari Nordmann" customer-email="kari@example.com" server-url=${serverUrl}></chat-widget>`,
    );
    const root = await openWidget(element);
    expect(byLabel(root, 'Full name').value).to.equal('Kari Nordmann');
    expect(byLabel(root, 'Email').value).to.equal('kari@example.com');
    await type(element, byLabel(root, 'Full name'), 'Kari N.');
    element.setAttribute('customer-name', 'Someone Else');
    await element.updateComplete;
    expect(byLabel(root, 'Full name').value).to.equal('Kari N.');
    element.prefill({ CustomerPhone: '+47 22 33 44 55', CustomerAlias: 'kari', TopicId: '9' } as never);
    await element.updateComplete;
    expect(byLabel(root, 'Phone').value).to.equal('+47 22 33 44 55');
    expect(byLabel(root, 'Display name').value).to.equal('kari');
  });

  it('opens, closes and toggles from script, and fires chat-open and chat-close for the visitor\'s actions', async () => {
    const element = await mount(html`<chat-widget server-url=${serverUrl}></chat-widget>`);
    const events: string[] = [];
    element.addEventListener('chat-open', () => events.push('open'));
    element.addEventListener('chat-close', () => events.push('close'));
    const panel = () => openPanel(element.shadowRoot!);

    element.open();
    await element.updateComplete;
    expect(panel()).to.not.equal(null);
    element.close();
    await element.updateComplete;
    expect(panel()).to.equal(null);
    element.toggle();
    await element.updateComplete;
    expect(panel()).to.not.equal(null);
    element.toggle();
    await element.updateComplete;
    expect(events).to.deep.equal([]);

    element.shadowRoot!.querySelector<HTMLButtonElement>('.launcher')!.click();
    await element.updateComplete;
    element.shadowRoot!.querySelector<HTMLButtonElement>('.close')!.click();
    await element.updateComplete;
    expect(events).to.deep.equal(['open', 'close']);
  });

  it('fills a phone screen with the open panel, with inputs large enough not to zoom', async () => {
    await setViewport({ width: 375, height: 700 });
    try {
      const element = await mount(html`<chat-widget server-url=${serverUrl}></chat-widget>`);
      const root = await openWidget(element);
      const box = root.querySelector('.panel')!.getBoundingClientRect();
      expect([box.left, box.top, box.width, box.height]).to.deep.equal([0, 0, 375, 700]);
      expect(parseFloat(getComputedStyle(byLabel(root, 'Email')).fontSize)).to.be.at.least(16);
      expect(byLabel(root, 'Email').inputMode).to.equal('email');
    } finally {
      await setViewport({ width: 800, height: 600 });
    }
  });

  it('follows a dark colour scheme', async () => {
    await emulateMedia({ colorScheme: 'dark' });
    try {
      const element = await mount(html`<chat-widget server-url=${serverUrl}></chat-widget>`);
      const root = await openWidget(element);
      expect(getComputedStyle(root.querySelector('.panel')!).backgroundColor).to.equal('rgb(29, 33, 39)');
      expect(getComputedStyle(root.querySelector('h2')!).color).to.equal('rgb(238, 241, 244)');
      await type(element, byLabel(root, 'Email'), 'not-an-email');
      submitButton(root).click();
      await element.updateComplete;
      await expect(element).shadowDom.to.be.accessible();
    } finally {
      await emulateMedia({ colorScheme: 'light' });
    }
  });

  it('passes axe closed, open, with errors shown, and after submitting', async () => {
    const element = await mount(html`<chat-widget server-url=${serverUrl}></chat-widget>`);
    await expect(element).shadowDom.to.be.accessible();
    const root = await openWidget(element);
    await expect(element).shadowDom.to.be.accessible();
    await type(element, byLabel(root, 'Email'), 'not-an-email');
    submitButton(root).click();
    await element.updateComplete;
    await expect(element).shadowDom.to.be.accessible();
    await type(element, byLabel(root, 'Email'), 'kari@example.com');
    await consent(element, root);
    const created = oneEvent(element, 'chat-session-created');
    submitButton(root).click();
    await created;
    await element.updateComplete;
    await expect(element).shadowDom.to.be.accessible();
  });

  it('keeps nothing before the visitor submits, then shows the session again after a reload', async () => {
    const element = await mount(html`<chat-widget server-url=${serverUrl}></chat-widget>`);
    const root = await openWidget(element);
    await type(element, byLabel(root, 'Full name'), 'Kari Nordmann');
    await consent(element, root);
    expect(sessionStorage.length + localStorage.length).to.equal(0);
    expect(document.cookie).to.equal('');

    const created = oneEvent(element, 'chat-session-created') as Promise<ChatSessionCreatedEvent>;
    submitButton(root).click();
    const { detail } = await created;
    expect(sessionStorage.length).to.equal(1);
    expect(localStorage.length).to.equal(0);
    expect(document.cookie).to.equal('');
    element.remove();

    // A reload: a new element on the same page, same server and topic.
    const reloaded = await mount(html`<chat-widget server-url=${serverUrl}></chat-widget>`);
    const reloadedRoot = await openWidget(reloaded);
    await waitUntil(() => query(reloadedRoot, 'form') === null, 'the kept session replaces the form');
    expect(reloadedRoot.querySelector('[role=status]')!.textContent).to.contain(`You are number ${detail.initialQueuePos} in the queue.`);
  });

  it('keeps the session in localStorage with persist="local", and nowhere with persist="none"', async () => {
    for (const persist of ['local', 'none'] as const) {
      sessionStorage.clear();
      localStorage.clear();
      const element = await mount(html`<chat-widget persist=${persist} server-url=${serverUrl}></chat-widget>`);
      const root = await openWidget(element);
      await consent(element, root);
      const created = oneEvent(element, 'chat-session-created');
      submitButton(root).click();
      await created;
      expect(localStorage.length, persist).to.equal(persist === 'local' ? 1 : 0);
      expect(sessionStorage.length, persist).to.equal(0);
    }
  });

  it('forgets a kept session the server no longer knows, and shows the form', async () => {
    sessionStorage.setItem(`chatline:${serverUrl}:1`, JSON.stringify({ id: 999999, key: 'not-the-key' }));
    const element = await mount(html`<chat-widget server-url=${serverUrl}></chat-widget>`);
    await waitUntil(() => sessionStorage.length === 0, 'the stale entry is removed');
    const root = await openWidget(element);
    expect(query(root, 'form')!.checkVisibility()).to.equal(true);
  });

  describe('in other languages', () => {
    afterEach(() => {
      document.documentElement.lang = 'en';
    });

    it('speaks its lang attribute first, then the topic\'s language, then the page\'s', async () => {
      const launcherText = (element: ChatWidget) => element.shadowRoot!.querySelector('.launcher')!.textContent!.trim();
      const norwegian = await mount(html`<chat-widget lang="nb-NO" topic-id=${germanTopicId} server-url=${serverUrl}></chat-widget>`);
      expect(launcherText(norwegian)).to.equal('Chat med oss');

      const german = await mount(html`<chat-widget topic-id=${germanTopicId} server-url=${serverUrl}></chat-widget>`);
      expect(launcherText(german)).to.equal('Chatten Sie mit uns');
      const root = await openWidget(german);
      expect(openPanel(root)!.getAttribute('lang')).to.equal('de');
      expect(byLabel(root, 'E-Mail').type).to.equal('email');

      document.documentElement.lang = 'no';
      const page = await mount(html`<chat-widget lang="tlh" server-url=${serverUrl}></chat-widget>`);
      expect(launcherText(page)).to.equal('Chat med oss');

      page.lang = 'de';
      await waitUntil(() => launcherText(page) === 'Chatten Sie mit uns', 'a new lang is spoken at once');
    });

    it('lays the panel out right to left in Arabic', async () => {
      const element = await mount(html`<chat-widget lang="ar" server-url=${serverUrl}></chat-widget>`);
      const root = await openWidget(element);
      const panel = openPanel(root)!;
      expect(panel.dir).to.equal('rtl');
      expect(getComputedStyle(panel).direction).to.equal('rtl');
      expect(root.getElementById('title')!.textContent).to.equal('تحدث معنا');
      // The title starts at the right, the close button sits at the left.
      const title = root.getElementById('title')!.getBoundingClientRect();
      const close = root.querySelector('.close')!.getBoundingClientRect();
      expect(close.right).to.be.lessThan(title.left);
      const label = byLabel(root, 'البريد الإلكتروني').labels![0]!.getBoundingClientRect();
      expect(Math.round(label.right)).to.be.greaterThan(Math.round(panel.getBoundingClientRect().right) - 30);
      await expect(element).shadowDom.to.be.accessible();
    });

    it('words the rules\' messages in its language, and the server\'s when the server speaks it', async () => {
      const german = await mount(html`<chat-widget lang="de" server-url=${serverUrl}></chat-widget>`);
      const root = await openWidget(german);
      await type(german, byLabel(root, 'E-Mail'), 'kari@example');
      submitButton(root).click();
      await german.updateComplete;
      expect(describedText(root, byLabel(root, 'E-Mail'))).to.equal('Geben Sie eine E-Mail-Adresse wie name@beispiel.de ein.');
      expect(query(root, '[role=alert]')!.textContent).to.contain('Bitte korrigieren Sie die markierten Felder.');

      const norwegian = await mount(html`<chat-widget lang="nb" topic-id="999" server-url=${serverUrl}></chat-widget>`);
      const nbRoot = await openWidget(norwegian);
      byLabel(nbRoot, 'Jeg samtykker').click();
      const failed = oneEvent(norwegian, 'chat-error');
      submitButton(nbRoot).click();
      await failed;
      await norwegian.updateComplete;
      expect(query(nbRoot, '[role=alert]')!.textContent).to.contain('Dette chatemnet finnes ikke.');
    });
  });

  it('animates the panel open only when the visitor has not asked for reduced motion', async () => {
    const element = await mount(html`<chat-widget server-url=${serverUrl}></chat-widget>`);
    element.open();
    await element.updateComplete;
    let root = element.shadowRoot!;
    expect(root.querySelector('.panel')!.getAnimations().length).to.equal(1);
    element.close();
    await emulateMedia({ reducedMotion: 'reduce' });
    try {
      root = await openWidget(element);
      expect(root.querySelector('.panel')!.getAnimations()).to.deep.equal([]);
    } finally {
      await emulateMedia({ reducedMotion: 'no-preference' });
    }
  });

  it('writes black on a light topic colour and white on a dark one, in light and dark schemes', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      await emulateMedia({ colorScheme: scheme });
      const light = await mount(html`<chat-widget topic-id=${germanTopicId} server-url=${serverUrl}></chat-widget>`);
      const launcher = light.shadowRoot!.querySelector('.launcher')!;
      await waitUntil(() => getComputedStyle(launcher).color === 'rgb(0, 0, 0)', `black on yellow (${scheme})`);
      expect(getComputedStyle(launcher).backgroundColor).to.equal('rgb(255, 212, 0)');
      await openWidget(light);
      await expect(light).shadowDom.to.be.accessible();
      const dark = await mount(html`<chat-widget topic-id=${topicId} server-url=${serverUrl}></chat-widget>`);
      expect(getComputedStyle(dark.shadowRoot!.querySelector('.launcher')!).color).to.equal('rgb(255, 255, 255)');
      light.remove();
      dark.remove();
    }
    await emulateMedia({ colorScheme: 'light' });
  });

  it('tells a rate-limited visitor to wait, offers to try again, and keeps the input', async () => {
    const limited = window.CHAT_LIMITED_SERVER_URL;
    const first = await mount(html`<chat-widget persist="none" server-url=${limited}></chat-widget>`);
    const firstRoot = await openWidget(first);
    await consent(first, firstRoot);
    const created = oneEvent(first, 'chat-session-created');
    submitButton(firstRoot).click();
    await created;

    const element = await mount(html`<chat-widget persist="none" server-url=${limited}></chat-widget>`);
    const root = await openWidget(element);
    expect((await submitFailing(element, root)).detail.status).to.equal(429);
    expect(query(root, '[role=alert]')!.textContent).to.contain('Please wait a minute and try again.');
    expect(submitButton(root).textContent!.trim()).to.equal('Try again');
    expect(byLabel(root, 'Full name').value).to.equal('Kari Nordmann');
    expect(byLabel(root, 'I agree').checked).to.equal(true);
    await expect(element).shadowDom.to.be.accessible();
  });

  it('offers to try again after a network failure, and sends the same input when the network is back', async () => {
    const element = await mount(html`<chat-widget server-url="http://127.0.0.1:9"></chat-widget>`);
    const root = await openWidget(element);
    await submitFailing(element, root);
    expect(submitButton(root).textContent!.trim()).to.equal('Try again');

    element.serverUrl = serverUrl; // back online
    const created = oneEvent(element, 'chat-session-created') as Promise<ChatSessionCreatedEvent>;
    submitButton(root).click();
    const { detail } = await created;
    const session = await fetch(`${serverUrl}/api/v1/ChatSession/${detail.chatSessionId}`, {
      headers: { 'X-Chat-Session-Key': JSON.parse(sessionStorage.getItem(`chatline:${serverUrl}:1`)!).key },
    }).then((response) => response.json());
    expect(session.CustomerName).to.equal('Kari Nordmann');
  });
  describe('after a reload', () => {
    it('says that a chat an agent closed has ended, and starts a new one on request', async () => {
      const first = await mount(html`<chat-widget server-url=${serverUrl}></chat-widget>`);
      const session = await requestChat(first, await openWidget(first));
      first.remove();
      expect(await executeServerCommand('set-chat-session-status', { id: session.id, status: 'Closed' })).to.equal('Closed');

      const element = await mount(html`<chat-widget server-url=${serverUrl}></chat-widget>`);
      const root = await openWidget(element);
      const status = root.querySelector('[role=status]')!;
      expect(status.textContent).to.contain('This chat has ended.');
      expect(status.textContent).to.not.contain('queue');
      // No pre-chat form (the post-chat form follows the ended chat).
      expect(root.querySelector('chat-prechat-form') === null, 'no pre-chat form').to.equal(true);
      const newChat = [...root.querySelectorAll('button')].find((button) => button.textContent!.trim() === 'Start a new chat')!;
      // Focus on what follows the chat: the post-chat form (the topic rates chats), then the new chat.
      const post = root.querySelector('chat-postchat-form')!;
      expect(focused(root) === post.shadowRoot!.querySelector('h3'), 'focus on the post-chat form').to.equal(true);
      await expect(element).shadowDom.to.be.accessible();

      newChat.click();
      await element.updateComplete;
      // The ended chat is forgotten: the form is back, focus on its first field, nothing kept.
      await waitUntil(() => focused(root) === byLabel(root, 'Display name'), 'focus on the first field');
      expect(status.textContent!.trim()).to.equal('');
      expect(sessionStorage.length).to.equal(0);
      const next = await requestChat(element, root);
      expect(next.id).to.not.equal(session.id);
      expect(status.textContent).to.contain(`You are number ${next.position} in the queue.`);
    });

    it('says a finished chat has ended too, in every language, right to left in Arabic', async function () {
      this.timeout(20_000);
      const first = await mount(html`<chat-widget server-url=${serverUrl}></chat-widget>`);
      const session = await requestChat(first, await openWidget(first));
      first.remove();
      await executeServerCommand('set-chat-session-status', { id: session.id, status: 'Finished' });
      const words = {
        en: ['This chat has ended.', 'Start a new chat'],
        nb: ['Denne chatten er avsluttet.', 'Start en ny chat'],
        de: ['Dieser Chat ist beendet.', 'Neuen Chat starten'],
        ar: ['انتهت هذه المحادثة.', 'ابدأ محادثة جديدة'],
      };
      for (const [lang, [ended, newChat]] of Object.entries(words)) {
        for (const scheme of ['light', 'dark'] as const) {
          await emulateMedia({ colorScheme: scheme });
          const element = await mount(html`<chat-widget lang=${lang} server-url=${serverUrl}></chat-widget>`);
          const root = await openWidget(element);
          expect(root.querySelector('[role=status]')!.textContent!.trim(), lang).to.equal(ended);
          expect(query(root, '.new-chat')!.textContent!.trim(), lang).to.equal(newChat);
          // Focus on the post-chat form, which comes before the new chat (the topic rates chats).
          expect(focused(root)!.tagName, lang).to.equal('H3');
          expect(openPanel(root)!.dir, lang).to.equal(lang === 'ar' ? 'rtl' : 'ltr');
          await expect(element).shadowDom.to.be.accessible();
          element.remove();
        }
      }
      await emulateMedia({ colorScheme: 'light' });
    });

    it('still shows the place in the queue of a chat that waits, and the conversation of one an agent has taken', async () => {
      const first = await mount(html`<chat-widget server-url=${serverUrl}></chat-widget>`);
      const session = await requestChat(first, await openWidget(first));
      first.remove();
      for (const status of ['InQueue', 'UserLast']) {
        if (status === 'UserLast') await executeServerCommand('pick-up', { id: session.id });
        const element = await mount(html`<chat-widget server-url=${serverUrl}></chat-widget>`);
        const root = await openWidget(element);
        const said = status === 'InQueue' ? `You are number ${session.position} in the queue.` : 'You are chatting with admin.';
        await waitUntil(() => root.querySelector('[role=status]')!.textContent!.includes(said), `${status}: ${said}`);
        expect(queryAll(root, 'button').map((button) => button.textContent!.trim()), status).to.not.include('Start a new chat');
        expect(query<HTMLTextAreaElement>(root, 'textarea')!.disabled, status).to.equal(false);
        expect(sessionStorage.length, status).to.equal(1);
        element.remove();
      }
    });
  });

  describe('by the topic\'s fields', () => {
    it('leaves out the fields the topic hides, and sends without them', async () => {
      const element = await mount(html`<chat-widget topic-id=${shortTopicId} server-url=${serverUrl}></chat-widget>`);
      element.prefill({ CustomerPhone: '+47 22 33 44 55', CustomerAlias: 'kari' });
      const root = await openWidget(element);
      expect(queryAll<HTMLInputElement>(root, 'input, textarea').map((control) => control.name)).to.deep.equal([
        'CustomerName',
        'CustomerEmail',
        'CustomerConsented',
      ]);
      expect(panelText(root)).to.not.contain('Phone');
      expect(panelText(root)).to.not.contain('Your question');
      const session = await requestChat(element, root);
      const stored = await readSession(session.id, session.key);
      expect(stored).to.include({ CustomerName: 'Kari Nordmann', CustomerPhone: null, CustomerAlias: null, FirstMessage: null });
    });

    it('asks for the company when the topic requires it, and sends it', async () => {
      const element = await mount(html`<chat-widget topic-id=${companyTopicId} server-url=${serverUrl}></chat-widget>`);
      const root = await openWidget(element);
      const company = byLabel(root, 'Company');
      expect(company.required).to.equal(true);
      expect(company.autocomplete).to.equal('organization');
      expect(company.maxLength).to.equal(255);
      expect(company.labels![0]!.querySelector('.required')!.textContent).to.equal('*');
      await consent(element, root);
      submitButton(root).click();
      await element.updateComplete;
      expect(describedText(root, company)).to.equal('Please fill in this field.');
      await waitUntil(() => focused(root) === company, 'focus on the company');

      await type(element, company, 'Nordhavn Logistikk AS');
      const created = oneEvent(element, 'chat-session-created') as Promise<ChatSessionCreatedEvent>;
      submitButton(root).click();
      const { detail } = await created;
      const key = JSON.parse(sessionStorage.getItem(`chatline:${serverUrl}:${companyTopicId}`)!).key;
      expect((await readSession(detail.chatSessionId, key)).CustomerCompanyName).to.equal('Nordhavn Logistikk AS');
      await expect(element).shadowDom.to.be.accessible();
    });

    it('does not ask for the company when the topic does not say so', async () => {
      const element = await mount(html`<chat-widget topic-id=${topicId} server-url=${serverUrl}></chat-widget>`);
      const root = await openWidget(element);
      await waitUntil(() => root.querySelector('h2')!.textContent === 'Rent a bike', 'the topic is applied');
      expect(queryAll<HTMLInputElement>(root, 'input').map((input) => input.name)).to.not.include('CustomerCompanyName');
    });
  });

  describe('in a 1280×720 window', () => {
    before(() => setViewport({ width: 1280, height: 720 }));
    after(() => setViewport({ width: 800, height: 600 }));

    for (const [name, topic, title] of [
      ['the default topic', topicId, 'Rent a bike'],
      ['a topic that asks for every field', fullTopicId, 'Bikes for your business'],
    ] as const) {
      it(`shows the whole form of ${name}, its button included, without scrolling`, async () => {
        const element = await mount(html`<chat-widget topic-id=${topic} server-url=${serverUrl}></chat-widget>`);
        const root = await openWidget(element);
        await waitUntil(() => root.querySelector('h2')!.textContent === title, 'the topic is applied');
        const panel = openPanel(root)!;
        expect(panel.scrollHeight, 'the panel does not scroll').to.be.at.most(panel.clientHeight);
        const box = panel.getBoundingClientRect();
        const button = submitButton(root).getBoundingClientRect();
        expect(button.top).to.be.at.least(box.top);
        expect(button.bottom).to.be.at.most(box.bottom);
        expect(box.top).to.be.at.least(0);
        expect(box.bottom).to.be.at.most(window.innerHeight);
        if (topic === fullTopicId) expect(queryAll(root, 'input, textarea').length).to.equal(7);
      });
    }
  });

  it('goes from the form to sending to the queue, and keeps what was typed while the panel is closed', async () => {
    const element = await mount(html`<chat-widget persist="none" server-url=${serverUrl}></chat-widget>`);
    let root = await openWidget(element);
    await type(element, byLabel(root, 'Full name'), 'Kari Nordmann');
    await consent(element, root);
    element.close();
    await element.updateComplete;
    root = await openWidget(element);
    expect(byLabel(root, 'Full name').value).to.equal('Kari Nordmann');
    expect(byLabel(root, 'I agree').checked).to.equal(true);

    let sessions = 0;
    element.addEventListener('chat-session-created', () => sessions++);
    const created = oneEvent(element, 'chat-session-created');
    submitButton(root).click();
    await element.updateComplete;
    await query<ChatWidget>(root, 'chat-prechat-form')!.updateComplete;
    // Sending: the button waits, and a second press sends nothing more.
    expect(submitButton(root).disabled).to.equal(true);
    expect(submitButton(root).textContent!.trim()).to.equal('Starting chat…');
    submitButton(root).closest('form')!.requestSubmit();
    await created;
    await element.updateComplete;
    expect(query(root, 'form')).to.equal(null);
    expect(root.querySelector('[role=status]')!.textContent).to.contain('in the queue');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sessions).to.equal(1);
  });

  it('writes no custom property into the style attribute, which is the page\'s', async () => {
    const plain = await mount(html`<chat-widget topic-id=${topicId} server-url=${serverUrl}></chat-widget>`);
    await openWidget(plain);
    // The topic's colour is applied and the text on it measured, inside the shadow root.
    expect(getComputedStyle(plain.shadowRoot!.querySelector('.launcher')!).backgroundColor).to.equal('rgb(11, 110, 79)');
    expect(getComputedStyle(plain.shadowRoot!.querySelector('.launcher')!).color).to.equal('rgb(255, 255, 255)');
    expect(plain.hasAttribute('style')).to.equal(false);
    expect(plain.style.length).to.equal(0);

    const styled = await mount(
      html`<chat-widget style="--chat-radius: 4px" topic-id=${germanTopicId} server-url=${serverUrl}></chat-widget>`,
    );
    await openWidget(styled);
    expect(getComputedStyle(styled.shadowRoot!.querySelector('.launcher')!).color).to.equal('rgb(0, 0, 0)');
    expect(styled.getAttribute('style')).to.equal('--chat-radius: 4px');
  });
});
