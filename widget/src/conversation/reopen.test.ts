import { expect, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { ChatEndedEvent } from '../events.ts';
import ar from '../locales/conversation/ar.ts';
import de from '../locales/conversation/de.ts';
import en from '../locales/conversation/en.ts';
import nb from '../locales/conversation/nb.ts';
import { agent, button, conversation, idleAgent, logShows, logTexts, mount, open, startChat, statusSays } from '../testing/widget.ts';

/** A topic with the defaults: post-chat form, rating, and chats reopened within the server's 600 s. */
const topicId = window.CHAT_AFTER_TOPIC_ID;
/** The server of short times: gone after 2 s, idle after 2 s, reopened within 3 s. */
const idleServer = window.CHAT_IDLE_SERVER_URL;
const idleTopicId = window.CHAT_IDLE_TOPIC_ID;

const composer = (inner: ShadowRoot) => inner.querySelector('textarea')!;

describe('an ended chat in <chat-widget>', () => {
  beforeEach(() => sessionStorage.clear());

  it('reopens when the visitor writes again within the time, back with its agent, live', async function () {
    this.timeout(20_000);
    const { element, root, id } = await startChat(topicId);
    await agent.pickUp(id);
    const inner = await conversation(root);
    await logShows(inner, 'Hi, I am here to help.');
    await agent.ends(id);
    await statusSays(root, 'This chat has ended.');

    // The composer stays open, and says what writing does now.
    expect(composer(inner).disabled).to.equal(false);
    const hint = inner.getElementById('reopen-hint')!;
    expect(hint.textContent).to.equal('Write again to reopen this chat.');
    expect(composer(inner).getAttribute('aria-describedby')).to.equal('reopen-hint composer-hint');
    await expect(element).shadowDom.to.be.accessible();

    composer(inner).focus();
    await sendKeys({ type: 'One more thing: do you sell locks?' });
    await sendKeys({ press: 'Enter' });
    await statusSays(root, 'You are chatting with admin.');
    await logShows(inner, 'One more thing');
    // The server's line that the chat reopened comes before the message that reopened it.
    const texts = logTexts(inner);
    expect(texts.slice(-3)).to.deep.equal(['admin ended the chat.', 'You reopened the chat.', 'One more thing: do you sell locks?']);
    expect(inner.getElementById('reopen-hint')).to.equal(null);
    expect(root.querySelector('chat-postchat-form')).to.equal(null);
    expect((await agent.session(id)).Status).to.not.equal('Closed');

    // Live again: the agent's answer arrives, and ending again is told again.
    await agent.says(id, 'We do, from 20 euros.');
    await logShows(inner, 'from 20 euros');
    const ended = oneEvent(element, 'chat-ended') as Promise<ChatEndedEvent>;
    await agent.ends(id);
    expect((await ended).detail).to.deep.equal({ chatSessionId: id, status: 'Closed' });
    await statusSays(root, 'This chat has ended.');
  });

  it('offers only a new chat once the time to reopen is over', async function () {
    this.timeout(15_000);
    const { root, id } = await startChat(idleTopicId, { server: idleServer });
    await idleAgent.pickUp(id);
    const inner = await conversation(root);
    await statusSays(root, 'You are chatting with admin.');
    await idleAgent.ends(id);
    await statusSays(root, 'This chat has ended.');
    expect(composer(inner).disabled).to.equal(false);
    // Three seconds on that server.
    await waitUntil(() => composer(inner).disabled, 'the composer closes', { timeout: 6000 });
    expect(inner.getElementById('reopen-hint')).to.equal(null);
    expect(inner.querySelector<HTMLButtonElement>('.send')!.disabled).to.equal(true);
    expect(button(root, 'Start a new chat')).to.not.equal(null);
  });

  it('says, in the visitor\'s language, that a chat ended for being idle while they were away', async function () {
    this.timeout(20_000);
    const first = await startChat(idleTopicId, { server: idleServer, lang: 'de' });
    await idleAgent.pickUp(first.id);
    await conversation(first.root);
    // The visitor goes away; the chat has no message for a while and ends.
    first.element.remove();
    await waitUntil(async () => (await idleAgent.session(first.id)).Status === 'Closed', 'the chat ends for being idle', { timeout: 12_000, interval: 500 });

    const element = await mount(idleTopicId, { server: idleServer, lang: 'de' });
    const root = await open(element);
    const inner = await conversation(root);
    await logShows(inner, de.endedIdle);
    expect(root.querySelector('.status')!.textContent).to.contain(de.ended);
    await expect(element).shadowDom.to.be.accessible();
  });

  it('has the lines of an idle and a reopened chat in English, Norwegian, German and Arabic', () => {
    for (const w of [en, nb, de, ar]) {
      for (const key of ['endedIdle', 'reopened', 'reopenHint'] as const) expect(w[key]).to.be.a('string').and.not.equal('');
    }
    expect(new Set([en, nb, de, ar].map((w) => w.endedIdle)).size).to.equal(4);
  });
});
