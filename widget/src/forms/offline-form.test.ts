import { expect, oneEvent, waitUntil } from '@open-wc/testing';
import { emulateMedia, executeServerCommand } from '@web/test-runner-commands';
import type { ChatErrorEvent, ChatRequestSentEvent } from '../events.ts';
import ar from '../locales/conversation/ar.ts';
import de from '../locales/conversation/de.ts';
import en from '../locales/conversation/en.ts';
import nb from '../locales/conversation/nb.ts';
import { agent, button, byLabel, focused, logShows, mount, open, query, queryAll, shows, startChat, statusSays, statusText, type } from '../testing/widget.ts';

/** Outside its opening hours; asks for the email and the name, and consent. */
const closedTopicId = window.CHAT_CLOSED_TOPIC_ID;
/** Open, but its only agent left it; asks for the phone number. */
const awayTopicId = window.CHAT_AWAY_TOPIC_ID;
/** Offers to leave a message behind one other visitor; its own queue line. */
const queueTopicId = window.CHAT_QUEUE_TOPIC_ID;

/** Inside the offline form. */
const offline = (root: ParentNode) => root.querySelector('chat-offline-form')!.shadowRoot!;

/** The names of the form's controls, in order. */
const controls = (root: ParentNode) => [...offline(root).querySelectorAll<HTMLInputElement>('input, textarea')].map((control) => control.name);

async function offlineForm(topicId: number, lang = '') {
  sessionStorage.clear();
  const element = await mount(topicId, { lang });
  const root = await open(element);
  await waitUntil(() => root.querySelector('chat-offline-form')?.shadowRoot?.querySelector('form'), 'the offline form shows', { timeout: 5000 });
  return { element, root };
}

describe('the offline form of <chat-widget>', () => {
  beforeEach(() => sessionStorage.clear());

  it('shows in place of the pre-chat form while the topic is closed, and sends a request the topic keeps', async function () {
    this.timeout(15_000);
    const { element, root } = await offlineForm(closedTopicId);
    expect(root.querySelector('chat-prechat-form')).to.equal(null);
    expect(offline(root).querySelector('h3')!.textContent).to.equal('We are closed');
    expect(query(root, '.intro')!.textContent).to.equal('Leave your question and we will answer it tomorrow.');
    expect(controls(root)).to.deep.equal(['CustomerName', 'CustomerEmail', 'FirstMessage', 'CustomerConsented']);
    for (const name of ['CustomerName', 'CustomerEmail', 'FirstMessage']) expect(query<HTMLInputElement>(root, `[name=${name}]`)!.required, name).to.equal(true);
    // The panel opened on it: the first field has focus.
    await waitUntil(() => focused(root) === byLabel(root, 'Full name'), 'focus on the first field');
    await expect(element).shadowDom.to.be.accessible();

    type(byLabel(root, 'Full name'), 'Kari Nordmann');
    type(byLabel(root, 'Email'), 'kari@example.com');
    type(byLabel<HTMLTextAreaElement>(root, 'Your question'), 'Can I rent a cargo bike on Sunday?');
    byLabel(root, 'I agree').click();
    const sent = oneEvent(element, 'chat-request-sent') as Promise<ChatRequestSentEvent>;
    button(root, 'Send').click();
    const { detail } = await sent;
    expect(detail.status).to.equal('RequestPosted');

    const received = await shows(root, '.received', 'the request was received');
    expect(received.textContent).to.equal('Thank you, we have your message.');
    expect(query(root, '.answer')!.textContent).to.equal('We will answer you at \u2068kari@example.com\u2069.');
    await waitUntil(() => focused(root) === received, 'focus on what says it was received');
    expect(received.closest('[role=status]')).to.not.equal(null);
    // A request is no chat to come back to: nothing is kept.
    expect(sessionStorage.length).to.equal(0);
    await expect(element).shadowDom.to.be.accessible();

    const stored = await agent.session(detail.chatSessionId);
    expect(stored.Status).to.equal('RequestPosted');
    expect([stored.CustomerName, stored.CustomerEmail, stored.FirstMessage, stored.CustomerConsented]).to.deep.equal([
      'Kari Nordmann',
      'kari@example.com',
      'Can I rent a cargo bike on Sunday?',
      true,
    ]);
    expect(stored.TopicId).to.equal(closedTopicId);
  });

  it('says what is missing at each field, sends nothing until it is given, and puts the server\'s complaints at their fields', async function () {
    this.timeout(15_000);
    const { element, root } = await offlineForm(closedTopicId);
    const realFetch = window.fetch;
    const posted: unknown[] = [];
    window.fetch = async (input, init) => {
      if (init?.method === 'POST' && String(input).endsWith('/api/v1/ChatSession')) {
        posted.push(JSON.parse(String(init.body)));
        // A server whose rules are newer than the widget's.
        return new Response(
          JSON.stringify({
            Error: true,
            ErrorType: 'SoValidationException',
            ErrorMessage: '1 field is not valid.',
            FieldErrors: [{ Field: 'CustomerEmail', Code: 'email', Message: 'This address does not take mail.' }],
          }),
          { status: 400, headers: { 'Content-Type': 'application/json', 'Content-Language': 'en' } },
        );
      }
      return realFetch(input, init);
    };
    try {
      button(root, 'Send').click();
      await waitUntil(() => query(root, '.form-error'), 'the form says what is wrong');
      expect(posted).to.deep.equal([]);
      const errors = queryAll(root, '.error').map((error) => error.textContent);
      expect(errors).to.deep.equal(['Please fill in this field.', 'Please fill in this field.', 'Please fill in this field.', 'Please agree so that we can store your details for this chat.']);
      await waitUntil(() => focused(root) === byLabel(root, 'Full name'), 'focus on the first field that is wrong');
      expect(byLabel(root, 'Full name').getAttribute('aria-invalid')).to.equal('true');
      await expect(element).shadowDom.to.be.accessible();

      type(byLabel(root, 'Full name'), 'Kari Nordmann');
      type(byLabel(root, 'Email'), 'kari@example.com');
      type(byLabel<HTMLTextAreaElement>(root, 'Your question'), 'Open on Sunday?');
      byLabel(root, 'I agree').click();
      const failed = oneEvent(element, 'chat-error') as Promise<ChatErrorEvent>;
      button(root, 'Send').click();
      expect((await failed).detail.status).to.equal(400);
      await waitUntil(() => query(root, '#email-error'), 'the server\'s complaint at the email');
      expect(query(root, '#email-error')!.textContent).to.equal('This address does not take mail.');
      expect(byLabel(root, 'Email').getAttribute('aria-invalid')).to.equal('true');
      expect(posted).to.have.length(1);
      expect(posted[0]).to.deep.include({ Status: 'RequestPosted', TopicId: closedTopicId, FirstMessage: 'Open on Sunday?', CustomerConsented: true });
      // What the visitor typed stays for them to correct.
      expect(byLabel<HTMLTextAreaElement>(root, 'Your question').value).to.equal('Open on Sunday?');
      expect(query(root, '.received')).to.equal(null);
    } finally {
      window.fetch = realFetch;
    }
  });

  it('shows while the topic is open but no agent is there, and says the visitor will be called', async function () {
    this.timeout(15_000);
    const { element, root } = await offlineForm(awayTopicId);
    // Nothing of its own: the widget's words, and the fields this topic asks for.
    expect(query(root, '.intro')!.textContent).to.equal(en.offlineIntro);
    expect(controls(root)).to.deep.equal(['CustomerPhone', 'FirstMessage']);
    type(byLabel(root, 'Phone'), '+47 22 33 44 55');
    type(byLabel<HTMLTextAreaElement>(root, 'Your question'), 'Please call me about my repair.');
    const sent = oneEvent(element, 'chat-request-sent') as Promise<ChatRequestSentEvent>;
    button(root, 'Send').click();
    const { detail } = await sent;
    await shows(root, '.received');
    expect(query(root, '.answer')!.textContent).to.equal('We will call you at \u2068+47 22 33 44 55\u2069.');
    expect((await agent.session(detail.chatSessionId)).CustomerPhone).to.equal('+47 22 33 44 55');
    // Closed and opened again, the panel still says so, with focus on it.
    element.close();
    await element.updateComplete;
    await open(element);
    await waitUntil(() => focused(root) === query(root, '.received'), 'focus on what says it was received');
  });

  it('speaks English, Norwegian, German and Arabic, right to left in Arabic, light and dark, and passes axe', async function () {
    this.timeout(60_000);
    const words = { en, nb, de, ar };
    for (const [lang, w] of Object.entries(words)) {
      for (const scheme of ['light', 'dark'] as const) {
        await emulateMedia({ colorScheme: scheme });
        const { element, root } = await offlineForm(awayTopicId, lang);
        expect(root.querySelector('.panel')!.getAttribute('dir'), lang).to.equal(lang === 'ar' ? 'rtl' : 'ltr');
        expect(query(root, '.intro')!.textContent, lang).to.equal(w.offlineIntro);
        expect(offline(root).querySelector('button[type=submit]')!.textContent!.trim(), lang).to.equal(w.sendRequest);
        await expect(element, `${lang}, ${scheme}`).shadowDom.to.be.accessible();
        element.remove();
      }
    }
    await emulateMedia({ colorScheme: 'light' });
  });
});

describe('leaving a message instead of waiting', () => {
  beforeEach(() => sessionStorage.clear());

  it('is offered behind a long queue, says the topic\'s queue line, and leaves the queue with the message', async function () {
    this.timeout(30_000);
    // One chat picked up, so that the topic has an average wait; one visitor waiting ahead. Both
    // made as an agent would, before the widget first reads the topic (which browsers keep for a minute).
    const first = (await executeServerCommand('create-session', { topicId: queueTopicId })) as { ChatSessionId: number };
    await agent.pickUp(first.ChatSessionId);
    await executeServerCommand('create-session', { topicId: queueTopicId });

    const { element, root, id } = await startChat(queueTopicId, { email: 'kari@example.com' });
    await waitUntil(() => /^Place 2\. Average wait 00:0\d\./.test(statusText(root)), `the topic's queue line (it says "${statusText(root)}")`);
    const inner = root.querySelector('chat-conversation')!.shadowRoot!;
    const offer = await shows<HTMLButtonElement>(inner, '.leave', 'the offer');
    expect(offer.textContent).to.equal('Leave a message instead');
    expect(inner.querySelector('.offer[role=status]')!.textContent).to.equal(en.queueOffer);
    await expect(element).shadowDom.to.be.accessible();

    // Not now: back to waiting, focus on the offer again.
    offer.click();
    await waitUntil(() => inner.querySelector('chat-offline-form')?.shadowRoot?.querySelector('form'), 'the form to leave a message');
    button(inner, 'Keep waiting').click();
    await waitUntil(() => focused(root) === inner.querySelector('.leave'), 'focus on the offer');
    expect(inner.querySelector('[role=log]')).to.not.equal(null);

    inner.querySelector<HTMLButtonElement>('.leave')!.click();
    await waitUntil(() => inner.querySelector('chat-offline-form')?.shadowRoot?.querySelector('form'), 'the form to leave a message');
    // The email was given with the chat: the phone the topic asks for, and the message.
    expect(controls(inner)).to.deep.equal([
      'CustomerPhone',
      'FirstMessage',
    ]);
    await waitUntil(() => focused(root) === byLabel(inner, 'Phone'), 'focus on the first field');
    button(inner, 'Send').click();
    await waitUntil(() => query(inner, '#phone-error'), 'the missing phone is named');
    await expect(element).shadowDom.to.be.accessible();

    type(byLabel(inner, 'Phone'), '+47 91 23 45 67');
    type(byLabel<HTMLTextAreaElement>(inner, 'Your message'), 'Please send me the price list.');
    const sent = oneEvent(element, 'chat-request-sent') as Promise<ChatRequestSentEvent>;
    button(inner, 'Send').click();
    expect((await sent).detail).to.deep.equal({ chatSessionId: id, status: 'ClosedFromQueue' });
    const received = await shows(inner, '.received');
    expect(query(inner, '.answer')!.textContent).to.equal('We will answer you at \u2068kari@example.com\u2069.');
    await waitUntil(() => focused(root) === received, 'focus on what says it was received');
    await statusSays(root, en.messageLeft);
    expect(button(root, 'Start a new chat')).to.not.equal(null);
    await expect(element).shadowDom.to.be.accessible();

    const stored = await agent.session(id);
    expect(stored.Status).to.equal('ClosedFromQueue');
    expect(stored.CustomerPhone).to.equal('+47 91 23 45 67');
    const messages = await agent.messages(id);
    expect(messages.some((message) => message.Type === 'ToUser' && message.Message === 'Please send me the price list.')).to.equal(true);

    // After a reload the chat shows as ended, with the message left in it.
    element.remove();
    const again = await mount(queueTopicId);
    const againRoot = await open(again);
    const transcript = await (async () => {
      await waitUntil(() => againRoot.querySelector('chat-conversation')?.shadowRoot?.querySelector('[role=log]'), 'the transcript');
      return againRoot.querySelector('chat-conversation')!.shadowRoot!;
    })();
    await logShows(transcript, 'Please send me the price list.');
  });

  it('is not offered before the topic\'s time in the queue has passed', async function () {
    this.timeout(10_000);
    const { element, root } = await startChat(window.CHAT_AFTER_TOPIC_ID);
    await statusSays(root, 'You are number');
    const inner = root.querySelector('chat-conversation')!.shadowRoot!;
    expect(inner.querySelector('.leave')).to.equal(null);
    element.remove();
  });
});
