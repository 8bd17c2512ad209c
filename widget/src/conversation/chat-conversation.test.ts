import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { emulateMedia, executeServerCommand, sendKeys, setViewport } from '@web/test-runner-commands';
import type { ChatMessage } from '@chatline/shared';
import '../chat-widget/chat-widget.ts';
import type { ChatWidget } from '../chat-widget/chat-widget.ts';
import type { ChatEndedEvent, ChatMessageEvent, ChatSessionCreatedEvent } from '../events.ts';
import ar from '../locales/conversation/ar.ts';
import de from '../locales/conversation/de.ts';
import en from '../locales/conversation/en.ts';
import nb from '../locales/conversation/nb.ts';

declare global {
  interface Window {
    CHAT_SERVER_URL: string;
    CHAT_WELCOME_TOPIC_ID: number;
    CHAT_BREAKABLE_SERVER_URL: string;
    hacked?: unknown;
  }
}

const serverUrl = window.CHAT_SERVER_URL;
/** A topic whose agents greet the visitor with "Hi, I am here to help." when they pick up. */
const topicId = window.CHAT_WELCOME_TOPIC_ID;
/** The same server through a connection a test can cut or take down. */
const breakableUrl = window.CHAT_BREAKABLE_SERVER_URL;

type Chat = { element: ChatWidget; root: ShadowRoot; id: number };

/** Puts the widget on the page and waits for its launcher. */
async function mount(server = serverUrl, lang = ''): Promise<ChatWidget> {
  const element = await fixture<ChatWidget>(html`<chat-widget topic-id=${topicId} server-url=${server} lang=${lang}></chat-widget>`);
  await waitUntil(() => element.shadowRoot!.querySelector('.launcher'), 'the launcher appears', { timeout: 5000 });
  await element.updateComplete;
  return element;
}

async function open(element: ChatWidget): Promise<ShadowRoot> {
  const root = element.shadowRoot!;
  root.querySelector<HTMLButtonElement>('.launcher')!.click();
  await element.updateComplete;
  await Promise.all(root.querySelector('.panel')!.getAnimations().map((animation) => animation.finished));
  return root;
}

/** The conversation's shadow root, once it shows. */
async function conversation(root: ShadowRoot): Promise<ShadowRoot> {
  await waitUntil(() => root.querySelector('chat-conversation')?.shadowRoot?.querySelector('[role=log]'), 'the conversation shows', { timeout: 5000 });
  return root.querySelector('chat-conversation')!.shadowRoot!;
}

/** Requests a chat through the form (a name, consent, perhaps a question) and waits for the conversation. */
async function startChat({ server = serverUrl, lang = '', question = '' } = {}): Promise<Chat> {
  // A new chat: not one kept from before.
  sessionStorage.clear();
  const element = await mount(server, lang);
  const root = await open(element);
  const form = root.querySelector('chat-prechat-form')!;
  await form.updateComplete;
  const formRoot = form.shadowRoot!;
  const fill = (name: string, value: string) => {
    const input = formRoot.querySelector<HTMLInputElement>(`[name=${name}]`)!;
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  };
  fill('CustomerName', 'Kari Nordmann');
  if (question) fill('FirstMessage', question);
  formRoot.querySelector<HTMLInputElement>('[name=CustomerConsented]')!.click();
  await form.updateComplete;
  const created = oneEvent(element, 'chat-session-created') as Promise<ChatSessionCreatedEvent>;
  formRoot.querySelector<HTMLButtonElement>('button[type=submit]')!.click();
  const { detail } = await created;
  await conversation(root);
  return { element, root, id: detail.chatSessionId };
}

const statusText = (root: ShadowRoot) => root.querySelector('[role=status]')!.textContent!.replace(/\s+/g, ' ').trim();

async function statusSays(root: ShadowRoot, text: string, timeout = 5000) {
  await waitUntil(() => statusText(root).includes(text), `the status says "${text}" (it says "${statusText(root)}")`, { timeout });
}

/** The entries of the log as the visitor reads them: who, the text, and the state of their own. */
function entries(inner: ShadowRoot) {
  return [...inner.querySelectorAll<HTMLLIElement>('[role=log] li')].map((item) => ({
    item,
    mine: item.classList.contains('mine'),
    author: item.querySelector('.author')?.textContent ?? '',
    text: item.querySelector('.bubble, .text')!.textContent!,
    time: item.querySelector('time'),
    state: item.dataset.state,
  }));
}

async function shows(inner: ShadowRoot, text: string, timeout = 5000) {
  await waitUntil(() => entries(inner).some((entry) => entry.text.includes(text)), `the log shows "${text}"`, { timeout });
}

const composer = (inner: ShadowRoot) => inner.querySelector('textarea')!;

/** Types into the composer as a visitor does: the keys, into the focused composer. */
async function write(inner: ShadowRoot, text: string) {
  composer(inner).focus();
  await sendKeys({ type: text });
}

async function press(key: string, shift = false) {
  if (shift) await sendKeys({ down: 'Shift' });
  await sendKeys({ press: key });
  if (shift) await sendKeys({ up: 'Shift' });
}

function focused(root: ShadowRoot): Element | null {
  let element = root.activeElement;
  while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
  return element;
}

const agent = {
  pickUp: (id: number) => executeServerCommand('pick-up', { id }),
  says: (id: number, message: string) => executeServerCommand('agent-says', { id, message }) as Promise<ChatMessage>,
  types: (id: number, typing: boolean) => executeServerCommand('agent-typing', { id, typing }),
  ends: (id: number) => executeServerCommand('agent-ends', { id }),
  messages: (id: number) => executeServerCommand('read-messages', { id }) as Promise<ChatMessage[]>,
  session: (id: number) => executeServerCommand('read-session', { id }) as Promise<Record<string, unknown>>,
};

const connection = (state: 'up' | 'down' | 'cut') => executeServerCommand('chat-connection', { state });

/** Lets the widget find the connection again at once, as the browser says it is online. */
const online = () => window.dispatchEvent(new Event('online'));

describe('the conversation in <chat-widget>', () => {
  beforeEach(() => {
    sessionStorage.clear();
    localStorage.clear();
  });
  afterEach(() => connection('up'));

  it('shows the place in the queue live, then the agent and the welcome, and the messages of both sides with their times', async function () {
    this.timeout(20_000);
    // Someone waits already: the visitor is behind them, and moves up when an agent takes them.
    const ahead = await startChat();
    ahead.element.remove();
    const { element, root, id } = await startChat({ question: 'Do you service cargo bikes?' });
    const messages: ChatMessage[] = [];
    element.addEventListener('chat-message', (event: ChatMessageEvent) => messages.push(event.detail));
    const position = Number(/number (\d+) in the queue/.exec(statusText(root))![1]);
    expect(position).to.be.greaterThan(1);
    const inner = await conversation(root);
    expect(entries(inner).map(({ mine, text }) => [mine, text])).to.deep.equal([[true, 'Do you service cargo bikes?']]);

    await agent.pickUp(ahead.id);
    await statusSays(root, `You are number ${position - 1} in the queue.`);
    await agent.pickUp(id);
    await statusSays(root, 'You are chatting with admin.');
    await shows(inner, 'Hi, I am here to help.');
    await agent.says(id, 'We do. Bring it in on any weekday.');
    await shows(inner, 'Bring it in');

    await write(inner, 'Great');
    await press('Enter', true);
    await sendKeys({ type: 'see you then' });
    expect(composer(inner).value).to.equal('Great\nsee you then');
    await press('Enter');
    expect(composer(inner).value).to.equal('');
    await waitUntil(() => entries(inner).some((entry) => entry.text === 'Great\nsee you then' && entry.state === 'sent'), 'the message is sent');

    const log = entries(inner);
    expect(log.map(({ mine, author, text }) => [mine, author, text])).to.deep.equal([
      [true, 'You', 'Do you service cargo bikes?'],
      [false, 'admin', 'Hi, I am here to help.'],
      [false, 'admin', 'We do. Bring it in on any weekday.'],
      [true, 'You', 'Great\nsee you then'],
    ]);
    for (const { time } of log) {
      expect(time!.textContent).to.match(/\d/);
      expect(Math.abs(Date.parse(time!.dateTime) - Date.now())).to.be.lessThan(60_000);
    }
    const stored = await agent.messages(id);
    expect(stored.filter((message) => message.Type === 'ToUser').map((message) => message.Message)).to.deep.equal(['Great\nsee you then']);
    expect(messages.map((message) => message.Message)).to.deep.equal([
      'Hi, I am here to help.',
      'We do. Bring it in on any weekday.',
      'Great\nsee you then',
    ]);
    expect(messages.every((message) => typeof message.ChatMessageId === 'number')).to.equal(true);
  });

  it("tells the server what the visitor has read of the agent's messages, only while the panel is open and the page visible", async function () {
    this.timeout(20_000);
    // Every POST of what was read, by the id it names.
    const told: number[] = [];
    const realFetch = window.fetch;
    window.fetch = (input, init) => {
      if (String(input).endsWith('/Read')) told.push(JSON.parse(String(init!.body)).ChatMessageId);
      return realFetch(input, init);
    };
    const visibility = (state: 'hidden' | 'visible') => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
      document.dispatchEvent(new Event('visibilitychange'));
    };
    const quiet = () => new Promise((resolve) => setTimeout(resolve, 400));
    const readByCustomer = async (id: number, messageId: number) => (await agent.messages(id)).find((m) => m.ChatMessageId === messageId)!.ReadByCustomer;
    try {
      const { element, root, id } = await startChat();
      const inner = await conversation(root);
      // Waiting, with nothing from the agent: nothing to tell.
      await agent.pickUp(id);
      await shows(inner, 'Hi, I am here to help.');
      await quiet();
      expect(told).to.deep.equal([]);

      const first = await agent.says(id, 'First');
      await shows(inner, 'First');
      await waitUntil(() => told.includes(first.ChatMessageId), 'the first is told read');
      expect(await readByCustomer(id, first.ChatMessageId)).to.equal(1);

      // The panel closed: what comes is not read.
      element.close();
      const second = await agent.says(id, 'Second');
      await shows(inner, 'Second');
      await quiet();
      expect(told).to.deep.equal([first.ChatMessageId]);
      expect(await readByCustomer(id, second.ChatMessageId)).to.equal(0);
      // Opened again, it is.
      element.open();
      await waitUntil(() => told.length === 2, 'the second is told read once the panel opens');
      expect(told).to.deep.equal([first.ChatMessageId, second.ChatMessageId]);

      // The page hidden: two come, neither is read; shown again, one request says both.
      visibility('hidden');
      const third = await agent.says(id, 'Third');
      const fourth = await agent.says(id, 'Fourth');
      await shows(inner, 'Fourth');
      await quiet();
      expect(told).to.have.length(2);
      visibility('visible');
      await waitUntil(() => told.length === 3, 'what came while hidden is told read once the page shows');
      await quiet();
      expect(told).to.deep.equal([first.ChatMessageId, second.ChatMessageId, fourth.ChatMessageId]);
      expect(await readByCustomer(id, third.ChatMessageId)).to.equal(1);
      expect(await readByCustomer(id, fourth.ChatMessageId)).to.equal(1);
    } finally {
      window.fetch = realFetch;
      delete (document as { visibilityState?: unknown }).visibilityState;
    }
  });

  it('moves focus from the place in the queue to the composer when an agent picks up', async () => {
    const { root, id } = await startChat();
    await waitUntil(() => focused(root) === root.querySelector('.queued'), 'focus on the place in the queue');
    await agent.pickUp(id);
    const inner = await conversation(root);
    await waitUntil(() => focused(root) === composer(inner), 'focus on the composer');
  });

  it('shows the agent typing, and tells the server while the visitor types', async function () {
    this.timeout(15_000);
    const { root, id } = await startChat();
    await agent.pickUp(id);
    const inner = await conversation(root);
    const typing = () => inner.querySelector('.typing')!.textContent!.trim();
    expect(typing()).to.equal('');
    await agent.types(id, true);
    await waitUntil(() => typing() === 'admin is typing…', 'the agent is typing');
    await agent.types(id, false);
    await waitUntil(() => typing() === '', 'the agent stopped');

    await write(inner, 'Hel');
    await waitUntil(async () => String((await agent.session(id)).Flags).includes('CustomerIsTyping'), 'the agent sees the visitor typing');
    // Cleared: the visitor stopped typing.
    await press('Backspace');
    await press('Backspace');
    await press('Backspace');
    await waitUntil(async () => !String((await agent.session(id)).Flags).includes('CustomerIsTyping'), 'the visitor stopped');
  });

  it('shows the visitor\'s message as sending, then sent; a send whose answer was lost is sent again, stored and shown once', async function () {
    this.timeout(15_000);
    const { root, id } = await startChat();
    await agent.pickUp(id);
    const inner = await conversation(root);
    await shows(inner, 'Hi, I am here to help.');

    // The first send reaches the server, which stores the message, but its answer is lost.
    const realFetch = window.fetch;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const keys: string[] = [];
    window.fetch = async (input, init) => {
      const posting = init?.method === 'POST' && String(input).endsWith(`/ChatSession/${id}/Messages`);
      if (posting) keys.push(new Headers(init!.headers).get('Idempotency-Key')!);
      if (!posting || keys.length > 1) return realFetch(input, init);
      await held;
      await realFetch(input, init);
      throw new TypeError('Failed to fetch');
    };
    try {
      await write(inner, 'Is the shop open on Saturday?');
      await press('Enter');
      await waitUntil(() => entries(inner).at(-1)?.state === 'sending', 'shown at once, as sending');
      const sending = entries(inner).at(-1)!;
      expect(sending.text).to.equal('Is the shop open on Saturday?');
      expect(sending.item.textContent).to.contain('Sending…');
      release();
      await waitUntil(() => entries(inner).at(-1)?.state === 'failed', 'not sent, as far as the widget knows');
      // Stored meanwhile, and streamed: still shown once, as not sent, until the send says which message it was.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(entries(inner).filter((entry) => entry.text === 'Is the shop open on Saturday?')).to.have.length(1);
      const retry = inner.querySelector<HTMLButtonElement>('.retry')!;
      expect(retry.textContent!.trim()).to.equal('Send again');
      expect(entries(inner).at(-1)!.item.textContent).to.contain('Not sent.');
      retry.click();
      await waitUntil(() => entries(inner).at(-1)?.state === 'sent', 'sent');
    } finally {
      window.fetch = realFetch;
    }
    expect(keys).to.have.length(2);
    expect(keys[1]).to.equal(keys[0]);
    expect(entries(inner).filter((entry) => entry.text === 'Is the shop open on Saturday?')).to.have.length(1);
    const stored = await agent.messages(id);
    expect(stored.filter((message) => message.Message === 'Is the shop open on Saturday?')).to.have.length(1);
  });

  it('sends a message that got no answer again by itself when the browser is back online', async () => {
    const { root, id } = await startChat();
    const inner = await conversation(root);
    const realFetch = window.fetch;
    let failed = false;
    window.fetch = async (input, init) => {
      if (!failed && init?.method === 'POST' && String(input).endsWith(`/ChatSession/${id}/Messages`)) {
        failed = true;
        throw new TypeError('Failed to fetch');
      }
      return realFetch(input, init);
    };
    try {
      await write(inner, 'Are you open today?');
      await press('Enter');
      await waitUntil(() => entries(inner).at(-1)?.state === 'failed', 'not sent');
      online();
      await waitUntil(() => entries(inner).at(-1)?.state === 'sent', 'sent once online');
    } finally {
      window.fetch = realFetch;
    }
    expect((await agent.messages(id)).filter((message) => message.Message === 'Are you open today?')).to.have.length(1);
  });

  it('says when a message was refused for coming too fast, and sends it when asked', async () => {
    const { root, id } = await startChat();
    const inner = await conversation(root);
    const realFetch = window.fetch;
    let refused = false;
    window.fetch = async (input, init) => {
      if (!refused && init?.method === 'POST' && String(input).endsWith(`/ChatSession/${id}/Messages`)) {
        refused = true;
        return new Response('{"Error":true,"ErrorType":"TooManyRequests","ErrorMessage":"Too many messages."}', {
          status: 429,
          headers: { 'Content-Type': 'application/json', 'Retry-After': '1' },
        });
      }
      return realFetch(input, init);
    };
    try {
      await write(inner, 'Hello?');
      await press('Enter');
      await waitUntil(() => entries(inner).at(-1)?.state === 'failed', 'refused');
      expect(entries(inner).at(-1)!.item.textContent).to.contain('writing faster than we can take');
      await expect(root.host).shadowDom.to.be.accessible();
      inner.querySelector<HTMLButtonElement>('.retry')!.click();
      await waitUntil(() => entries(inner).at(-1)?.state === 'sent', 'sent');
    } finally {
      window.fetch = realFetch;
    }
    expect((await agent.messages(id)).filter((message) => message.Message === 'Hello?')).to.have.length(1);
  });

  it('finds the connection again when it is lost, says so politely meanwhile, keeps what the visitor writes, and shows what was said once', async function () {
    this.timeout(30_000);
    const { root, id } = await startChat({ server: breakableUrl });
    await agent.pickUp(id);
    const inner = await conversation(root);
    await shows(inner, 'Hi, I am here to help.');
    await statusSays(root, 'You are chatting with admin.');

    // Offline: the stream breaks and cannot come back.
    await connection('down');
    await statusSays(root, 'Reconnecting');
    expect(root.querySelector('[role=alert]')).to.equal(null);
    await write(inner, 'Still there?');
    await agent.says(id, 'Sorry for the wait.');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(entries(inner).some((entry) => entry.text === 'Sorry for the wait.')).to.equal(false);
    await expect(root.host).shadowDom.to.be.accessible();

    // Online again: the stream comes back from where it was, with what it missed.
    await connection('up');
    online();
    await shows(inner, 'Sorry for the wait.');
    await waitUntil(() => !statusText(root).includes('Reconnecting'), 'connected again');
    expect(composer(inner).value).to.equal('Still there?');

    // A stream dropped while online comes back by itself, after a second or so.
    await connection('cut');
    await agent.says(id, 'Are you still with us?');
    await shows(inner, 'Are you still with us?', 10_000);
    await agent.says(id, 'Good.');
    await shows(inner, 'Good.');
    const texts = entries(inner).map((entry) => entry.text);
    expect(texts).to.deep.equal(['Hi, I am here to help.', 'Sorry for the wait.', 'Are you still with us?', 'Good.']);
    // Nothing the stream sent twice is shown twice.
    expect(new Set(texts).size).to.equal(texts.length);
  });

  it('sends what the visitor writes while offline once it is back', async function () {
    this.timeout(20_000);
    const { root, id } = await startChat({ server: breakableUrl });
    const inner = await conversation(root);
    await connection('down');
    await statusSays(root, 'Reconnecting');
    await write(inner, 'Written offline');
    await press('Enter');
    await waitUntil(() => entries(inner).at(-1)?.state === 'failed', 'not sent while offline');
    await connection('up');
    online();
    await waitUntil(() => entries(inner).at(-1)?.state === 'sent', 'sent once back', { timeout: 10_000 });
    expect((await agent.messages(id)).filter((message) => message.Message === 'Written offline')).to.have.length(1);
  });

  it('shows the conversation again after a reload, with its history, announced as nothing new', async () => {
    const first = await startChat({ question: 'Can I rent a tandem?' });
    await agent.pickUp(first.id);
    await agent.says(first.id, 'Yes, for a day or a week.');
    await shows(await conversation(first.root), 'for a day or a week');
    first.element.remove();

    const element = await mount();
    const announced: ChatMessage[] = [];
    element.addEventListener('chat-message', (event: ChatMessageEvent) => announced.push(event.detail));
    const root = await open(element);
    const inner = await conversation(root);
    await statusSays(root, 'You are chatting with admin.');
    expect(entries(inner).map(({ mine, text }) => [mine, text])).to.deep.equal([
      [true, 'Can I rent a tandem?'],
      [false, 'Hi, I am here to help.'],
      [false, 'Yes, for a day or a week.'],
    ]);
    expect(composer(inner).disabled).to.equal(false);
    await waitUntil(() => focused(root) === composer(inner), 'focus on the composer');
    await agent.says(first.id, 'Anything else?');
    await shows(inner, 'Anything else?');
    expect(announced.map((message) => message.Message)).to.deep.equal(['Anything else?']);
  });

  it('ends when the visitor says so: the transcript stays, the post-chat form and a new chat are offered, and writing again may reopen it', async () => {
    const { element, root, id } = await startChat();
    await agent.pickUp(id);
    const inner = await conversation(root);
    await shows(inner, 'Hi, I am here to help.');
    const ended = oneEvent(element, 'chat-ended') as Promise<ChatEndedEvent>;
    const end = inner.querySelector<HTMLButtonElement>('.end')!;
    expect(end.textContent!.trim()).to.equal('End chat');
    end.focus();
    await press('Enter');
    const { detail } = await ended;
    expect(detail).to.deep.equal({ chatSessionId: id, status: 'Closed' });
    await statusSays(root, 'This chat has ended.');
    await shows(inner, 'You ended the chat.');
    // Within the server's time to reopen, the composer says that writing again reopens the chat.
    expect(composer(inner).disabled).to.equal(false);
    expect(inner.getElementById('reopen-hint')!.textContent).to.equal(en.reopenHint);
    expect(inner.querySelector('.end')).to.equal(null);
    const newChat = root.querySelector<HTMLButtonElement>('.new-chat')!;
    expect(newChat.textContent!.trim()).to.equal('Start a new chat');
    // Focus goes on to what follows the chat: the post-chat form, before the new chat.
    const post = root.querySelector('chat-postchat-form')!;
    await waitUntil(() => focused(root) === post.shadowRoot?.querySelector('h3'), 'focus on the post-chat form');
    expect((await agent.session(id)).Status).to.equal('Closed');
    await expect(element).shadowDom.to.be.accessible();
  });

  it('ends when the agent ends it, once, and shows the ended chat with its transcript after a reload', async () => {
    const first = await startChat({ question: 'Do you sell helmets?' });
    await agent.pickUp(first.id);
    const inner = await conversation(first.root);
    let endings = 0;
    first.element.addEventListener('chat-ended', () => endings++);
    await agent.ends(first.id);
    await shows(inner, 'admin ended the chat.');
    await statusSays(first.root, 'This chat has ended.');
    expect(composer(inner).disabled).to.equal(false);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(endings).to.equal(1);
    first.element.remove();

    const element = await mount();
    element.addEventListener('chat-ended', () => endings++);
    const root = await open(element);
    const transcript = await conversation(root);
    expect(statusText(root)).to.equal('This chat has ended.');
    expect(entries(transcript).map(({ text }) => text)).to.deep.equal(['Do you sell helmets?', 'Hi, I am here to help.', 'admin ended the chat.']);
    // Still within the time to reopen it.
    expect(composer(transcript).disabled).to.equal(false);
    expect(focused(root) === root.querySelector('chat-postchat-form')!.shadowRoot!.querySelector('h3'), 'focus on the post-chat form').to.equal(true);
    expect(endings).to.equal(1);
  });

  it('shows an ended chat when the session is deleted meanwhile', async () => {
    const { element, root, id } = await startChat();
    const ended = oneEvent(element, 'chat-ended') as Promise<ChatEndedEvent>;
    await executeServerCommand('delete-session', { id });
    expect((await ended).detail.status).to.equal('Deleted');
    await statusSays(root, 'This chat has ended.');
  });

  it('shows what anyone writes as text: markup never runs, and only http, https and mailto addresses become links', async () => {
    const { root, id } = await startChat({ question: '<b>bold</b> https://visitor.example/page' });
    await agent.pickUp(id);
    const inner = await conversation(root);
    const payloads = [
      '<img src=x onerror="window.hacked=1">',
      '<script>window.hacked=2</script>',
      '[click](javascript:window.hacked=3) javascript:window.hacked=4 JavaScript://%0Awindow.hacked=5',
      'See https://example.com/a?b=1&c=2. Or http://example.org/(x), mailto:kari@example.com, data:text/html,<b>x</b> and ftp://example.net/f',
    ];
    for (const payload of payloads) await agent.says(id, payload);
    await shows(inner, 'ftp://example.net/f');
    await write(inner, '<iframe src="javascript:window.hacked=6"></iframe> www.example.com');
    await press('Enter');
    await waitUntil(() => entries(inner).at(-1)?.state === 'sent', 'sent');
    await new Promise((resolve) => setTimeout(resolve, 200));

    const texts = entries(inner).map((entry) => entry.text);
    for (const payload of payloads) expect(texts).to.include(payload);
    expect(texts).to.include('<iframe src="javascript:window.hacked=6"></iframe> www.example.com');
    expect(texts[0]).to.equal('<b>bold</b> https://visitor.example/page');
    const log = inner.querySelector('[role=log]')!;
    expect(log.querySelectorAll('img, script, iframe, b')).to.have.length(0);
    expect(window.hacked).to.equal(undefined);
    const links = [...log.querySelectorAll('a')];
    expect(links.map((link) => link.getAttribute('href'))).to.deep.equal([
      'https://visitor.example/page',
      'https://example.com/a?b=1&c=2',
      'http://example.org/(x)',
      'mailto:kari@example.com',
    ]);
    for (const link of links) {
      expect(link.rel).to.equal('noopener noreferrer');
      expect(link.target).to.equal('_blank');
    }
  });

  it('can be used by keyboard alone: Tab goes round the log, the composer, Send and End chat inside the panel', async () => {
    const { root, id } = await startChat();
    await agent.pickUp(id);
    const inner = await conversation(root);
    await shows(inner, 'Hi, I am here to help.');
    composer(inner).focus();
    const order: string[] = [];
    for (let i = 0; i < 5; i++) {
      await press('Tab');
      const element = focused(root)!;
      order.push(element.getAttribute('aria-label') ?? element.textContent!.trim());
    }
    expect(order).to.deep.equal(['Send', 'End chat', 'Close chat', 'Conversation', '']);
    expect(focused(root)).to.equal(composer(inner));
    expect(composer(inner).labels![0]!.textContent).to.equal('Your message');
    expect(composer(inner).getAttribute('aria-describedby')).to.equal('composer-hint');
    expect(inner.getElementById('composer-hint')!.textContent).to.contain('Shift+Enter');
  });

  it('passes axe queued, chatting, reconnecting and ended, light and dark, left to right and right to left', async function () {
    this.timeout(60_000);
    const words = { en, ar };
    for (const lang of ['en', 'ar'] as const) {
      for (const scheme of ['light', 'dark'] as const) {
        await emulateMedia({ colorScheme: scheme });
        const w = words[lang];
        const { element, root, id } = await startChat({ server: breakableUrl, lang, question: 'Do you fix e-bikes? https://example.com/bike' });
        const where = `${lang}, ${scheme}`;
        expect(root.querySelector('.panel')!.getAttribute('dir'), where).to.equal(lang === 'ar' ? 'rtl' : 'ltr');
        await statusSays(root, w.queuedHint);
        await expect(element, `queued, ${where}`).shadowDom.to.be.accessible();

        await agent.pickUp(id);
        await agent.says(id, 'Yes, bring it in.');
        const inner = await conversation(root);
        await shows(inner, 'bring it in');
        await statusSays(root, w.chatting('admin'));
        await agent.types(id, true);
        await waitUntil(() => inner.querySelector('.typing')!.textContent!.trim() === w.typing('admin'), `typing, ${where}`);
        await expect(element, `chatting, ${where}`).shadowDom.to.be.accessible();

        await connection('down');
        await statusSays(root, w.reconnecting);
        await expect(element, `reconnecting, ${where}`).shadowDom.to.be.accessible();
        await connection('up');
        online();
        await waitUntil(() => !statusText(root).includes(w.reconnecting), `connected again, ${where}`, { timeout: 10_000 });

        await agent.ends(id);
        await statusSays(root, w.ended);
        await shows(inner, w.endedByAgent('admin'));
        await expect(element, `ended, ${where}`).shadowDom.to.be.accessible();
        element.remove();
      }
    }
    await emulateMedia({ colorScheme: 'light' });
  });

  it('fills a phone\'s screen, with the composer at the bottom and large enough text not to zoom', async () => {
    await setViewport({ width: 375, height: 700 });
    try {
      const { root } = await startChat();
      const inner = await conversation(root);
      const panel = root.querySelector('.panel')!.getBoundingClientRect();
      expect([panel.left, panel.top, panel.width, panel.height]).to.deep.equal([0, 0, 375, 700]);
      const box = composer(inner).getBoundingClientRect();
      expect(box.bottom).to.be.greaterThan(600);
      expect(box.bottom).to.be.at.most(700);
      expect(parseFloat(getComputedStyle(composer(inner)).fontSize)).to.be.at.least(16);
    } finally {
      await setViewport({ width: 800, height: 600 });
    }
  });

  it('has every word of the conversation in English, Norwegian, German and Arabic', () => {
    const keys = Object.keys(en).sort();
    for (const words of [nb, de, ar]) expect(Object.keys(words).sort()).to.deep.equal(keys);
    expect(ar.chatting('كريم')).to.contain('كريم');
  });
});
