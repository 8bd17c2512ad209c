import { expect, waitUntil } from '@open-wc/testing';
import { emulateMedia, executeServerCommand, sendKeys } from '@web/test-runner-commands';
import ar from '../locales/conversation/ar.ts';
import en from '../locales/conversation/en.ts';
import { agent, button, byLabel, conversation, focused, logShows, mount, open, queryAll, shows, startChat, statusSays, type, type Chat } from '../testing/widget.ts';

/** Rating and the transcript on, with its own header, message and rating text. */
const afterTopicId = window.CHAT_AFTER_TOPIC_ID;

type Ratings = { Recent: { ChatSessionId: number; Rating: number; Comment: string }[] };

/** A chat the agent took, wrote in and ended: the post-chat form shows. */
async function endedChat(lang = ''): Promise<Chat & { form: ShadowRoot }> {
  const chat = await startChat(afterTopicId, { lang });
  await agent.pickUp(chat.id);
  await agent.says(chat.id, 'We can fix it on Monday.');
  await logShows(await conversation(chat.root), 'We can fix it on Monday.');
  await agent.ends(chat.id);
  const form = await shows(chat.root, 'chat-postchat-form', 'the post-chat form');
  await waitUntil(() => form.shadowRoot?.querySelector('h3'), 'the post-chat form renders');
  return { ...chat, form: form.shadowRoot! };
}

const stars = (form: ShadowRoot) => [...form.querySelectorAll<HTMLInputElement>('input[type=radio]')];

/** What the transcript's download would save: the file's name and its text. */
async function downloaded(click: () => void): Promise<{ name: string; text: string }> {
  const realCreate = URL.createObjectURL;
  const realClick = HTMLAnchorElement.prototype.click;
  let blob: Blob | null = null;
  let name = '';
  URL.createObjectURL = (object: Blob | MediaSource) => {
    blob = object as Blob;
    return realCreate(object);
  };
  HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
    name = this.download;
  };
  try {
    click();
    await waitUntil(() => name, 'a download starts');
  } finally {
    URL.createObjectURL = realCreate;
    HTMLAnchorElement.prototype.click = realClick;
  }
  return { name, text: await blob!.text() };
}

describe('the post-chat form of <chat-widget>', () => {
  beforeEach(() => sessionStorage.clear());

  it('shows once the agent ends the chat, takes 1 to 5 stars by keyboard and a comment, and stores the rating', async function () {
    this.timeout(20_000);
    const { element, root, id, form } = await endedChat();
    await statusSays(root, 'This chat has ended.');
    expect(form.querySelector('h3')!.textContent).to.equal('Thanks for visiting');
    expect(form.querySelector('.message')!.textContent).to.equal('Tell us how it went.');
    expect(form.querySelector('legend')!.textContent).to.equal('How was our help?');
    expect(stars(form).map((star) => star.labels![0]!.textContent!.trim())).to.deep.equal(['★1 star', '★2 stars', '★3 stars', '★4 stars', '★5 stars']);
    // Focus went on from the composer to the form that follows the chat.
    await waitUntil(() => focused(root) === form.querySelector('h3'), 'focus on the post-chat form');
    await expect(element).shadowDom.to.be.accessible();

    // Keyboard only: Tab to the stars, arrows to choose, Tab to the comment, then to Send.
    await sendKeys({ press: 'Tab' });
    expect(focused(root)).to.equal(stars(form)[0]);
    for (let i = 0; i < 3; i++) await sendKeys({ press: 'ArrowRight' });
    expect(stars(form)[3]!.checked).to.equal(true);
    expect(form.querySelectorAll('label.on')).to.have.length(4);
    await sendKeys({ press: 'Tab' });
    expect(focused(root)).to.equal(byLabel(form, 'Comment'));
    await sendKeys({ type: 'Quick and friendly.' });
    await sendKeys({ press: 'Tab' });
    expect(focused(root)!.textContent!.trim()).to.equal('Send');
    await sendKeys({ press: 'Enter' });

    const thanks = await shows(form, '.thanks', 'the thank-you');
    expect(thanks.textContent).to.equal('Thank you for your feedback.');
    expect(thanks.closest('[role=status]')).to.not.equal(null);
    await waitUntil(() => focused(root) === thanks, 'focus on the thank-you');
    expect(form.querySelector('form')).to.equal(null);
    await expect(element).shadowDom.to.be.accessible();

    expect((await agent.session(id)).Rating).to.equal(4);
    const ratings = (await executeServerCommand('read-ratings')) as Ratings;
    expect(ratings.Recent.find((rating) => rating.ChatSessionId === id)).to.deep.include({ Rating: 4, Comment: 'Quick and friendly.' });

    // After a reload the rated chat is not asked again; its transcript still is there.
    element.remove();
    const again = await mount(afterTopicId);
    const againRoot = await open(again);
    const post = (await shows(againRoot, 'chat-postchat-form')).shadowRoot!;
    await waitUntil(() => post.querySelector('h3'), 'the post-chat form renders');
    expect(post.querySelector('form')).to.equal(null);
    expect(post.querySelector('h3')!.textContent).to.equal('Transcript');
    expect(queryAll(post, 'button').map((b) => b.textContent!.trim())).to.deep.equal(['Download as text', 'Download as web page', 'Print']);
  });

  it('says what is wrong: no star chosen, a rating given already, no answer', async function () {
    this.timeout(15_000);
    const { element, root, form } = await endedChat();
    button(form, 'Send').click();
    const error = await shows(form, '#rating-error', 'the error');
    expect(error.textContent).to.equal('Choose from 1 to 5 stars.');
    expect(error.getAttribute('role')).to.equal('alert');
    expect(form.querySelector('fieldset')!.getAttribute('aria-describedby')).to.equal('rating-error');
    await waitUntil(() => focused(root) === stars(form)[0], 'focus on the stars');
    await expect(element).shadowDom.to.be.accessible();

    const realFetch = window.fetch;
    let answer: 'none' | 'rated' = 'none';
    window.fetch = async (input, init) => {
      if (!String(input).endsWith('/Rating')) return realFetch(input, init);
      if (answer === 'none') throw new TypeError('Failed to fetch');
      return new Response(
        JSON.stringify({ Error: true, ErrorType: 'SoValidationException', ErrorMessage: 'Rated already.', FieldErrors: [{ Field: 'Rating', Code: 'already_rated' }] }),
        { status: 400, headers: { 'Content-Type': 'application/json' } },
      );
    };
    try {
      stars(form)[4]!.click();
      await element.updateComplete;
      expect(form.querySelector('#rating-error')).to.equal(null);
      button(form, 'Send').click();
      await waitUntil(() => form.querySelector('#rating-error')?.textContent === en.notRated, 'no answer: try again');
      expect(stars(form)[4]!.checked).to.equal(true);
      answer = 'rated';
      button(form, 'Send').click();
      await waitUntil(() => form.querySelector('.thanks')?.textContent === en.alreadyRated, 'rated already');
    } finally {
      window.fetch = realFetch;
    }
  });

  it('downloads the transcript as text and as a web page, in the widget\'s language and the visitor\'s zone, and prints it', async function () {
    this.timeout(15_000);
    const { id, form } = await endedChat();
    const realFetch = window.fetch;
    const asked: string[] = [];
    window.fetch = (input, init) => {
      if (String(input).includes('/Transcript')) asked.push(String(input));
      return realFetch(input, init);
    };
    try {
      const text = await downloaded(() => button(form, 'Download as text').click());
      expect(text.name).to.equal(`chat-${id}.txt`);
      expect(text.text).to.contain('We can fix it on Monday.');
      expect(text.text).to.not.contain('<');

      const page = await downloaded(() => button(form, 'Download as web page').click());
      expect(page.name).to.equal(`chat-${id}.html`);
      const doc = new DOMParser().parseFromString(page.text, 'text/html');
      expect(page.text.startsWith('<!doctype html>')).to.equal(true);
      expect(doc.documentElement.lang).to.equal('en');
      expect(doc.title).to.equal(`Chat ${id}`);
      expect(doc.querySelector('.chat-transcript')!.textContent).to.contain('We can fix it on Monday.');
    } finally {
      window.fetch = realFetch;
    }
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    expect(asked).to.have.length(2);
    for (const [url, html] of [[asked[0]!, 'false'], [asked[1]!, 'true']] as const) {
      const query = new URL(url).searchParams;
      expect([query.get('html'), query.get('lang'), query.get('tz')]).to.deep.equal([html, 'en', zone]);
    }

    // Printed from a hidden frame with the transcript, not from the page.
    const real = Object.getOwnPropertyDescriptor(HTMLIFrameElement.prototype, 'contentWindow')!;
    let printed = '';
    Object.defineProperty(HTMLIFrameElement.prototype, 'contentWindow', {
      configurable: true,
      get(this: HTMLIFrameElement) {
        const frame = this;
        return { print: () => (printed = frame.contentDocument!.body.textContent!) };
      },
    });
    try {
      button(form, 'Print').click();
      await waitUntil(() => printed, 'the transcript prints');
    } finally {
      Object.defineProperty(HTMLIFrameElement.prototype, 'contentWindow', real);
    }
    expect(printed).to.contain('We can fix it on Monday.');
    const frame = form.querySelector<HTMLIFrameElement>('iframe.print')!;
    expect(frame.getAttribute('sandbox')).to.equal('allow-same-origin allow-modals');
    expect(frame.getBoundingClientRect().width).to.equal(0);
  });

  it('shows after the visitor ends the chat too, but not after they left the queue', async function () {
    this.timeout(15_000);
    const { root, id } = await startChat(afterTopicId);
    await agent.pickUp(id);
    const inner = await conversation(root);
    button(inner, 'End chat').click();
    await shows(root, 'chat-postchat-form');

    const waiting = await startChat(afterTopicId);
    const waitingInner = await conversation(waiting.root);
    button(waitingInner, 'End chat').click();
    await statusSays(waiting.root, 'This chat has ended.');
    expect((await agent.session(waiting.id)).Status).to.equal('ClosedFromQueue');
    expect(waiting.root.querySelector('chat-postchat-form')).to.equal(null);
  });

  it('speaks Arabic right to left, and writes the transcript in Arabic; passes axe light and dark', async function () {
    this.timeout(30_000);
    for (const scheme of ['light', 'dark'] as const) {
      await emulateMedia({ colorScheme: scheme });
      const { element, root, id, form } = await endedChat('ar');
      expect(root.querySelector('.panel')!.getAttribute('dir')).to.equal('rtl');
      expect(form.querySelector('legend')!.textContent).to.equal('How was our help?');
      expect(stars(form)[1]!.labels![0]!.textContent!.trim()).to.equal(`★${ar.stars(2)}`);
      expect(queryAll(form, '.transcript button').map((b) => b.textContent!.trim())).to.deep.equal([ar.downloadText, ar.downloadHtml, ar.print]);
      await expect(element, scheme).shadowDom.to.be.accessible();
      if (scheme === 'light') {
        const page = await downloaded(() => button(form, ar.downloadHtml).click());
        const doc = new DOMParser().parseFromString(page.text, 'text/html');
        expect([doc.documentElement.lang, doc.documentElement.dir, doc.title]).to.deep.equal(['ar', 'rtl', ar.transcriptTitle(id)]);
      }
      type(byLabel<HTMLTextAreaElement>(form, ar.comment), 'شكرًا');
      element.remove();
    }
    await emulateMedia({ colorScheme: 'light' });
  });
});
