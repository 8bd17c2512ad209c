import { LitElement, html, nothing, type TemplateResult } from 'lit';
import type { ChatTopicWidgetInfo } from '@chatline/shared';
import type { ChatRequestError } from '../api.ts';
import type { SessionAccess } from '../conversation/api.ts';
import { property, state } from '../decorators.ts';
import type { ConversationMessages } from '../locale.ts';
import en from '../locales/conversation/en.ts';
import baseStyles from '../styles/base.styles.ts';
import { rate } from './api.ts';
import styles from './postchat-form.styles.ts';
import { downloadTranscript, printTranscript, type TranscriptOf } from './transcript.ts';

/** The stars a chat may get. */
const STARS = [1, 2, 3, 4, 5] as const;

/** Filled in (perhaps after a failed send, with why), being sent, or sent (or rated before). */
type RatingPhase = { name: 'form'; error?: string } | { name: 'sending' } | { name: 'sent'; text: string };

/**
 * What `<chat-widget>` offers once a chat has ended: the topic's post-chat header and message,
 * 1 to 5 stars (a group of radio buttons, labelled by the topic's rating text) with an optional
 * comment, and the transcript to download (as text or as a web page) or to print.
 *
 * @summary Internal: the post-chat form of `<chat-widget>`.
 */
export class ChatPostchatForm extends LitElement {
  static override styles = [baseStyles, styles];

  @state() private phase: RatingPhase = { name: 'form' };
  @state() private rating = 0;
  @state() private comment = '';
  @state() private transcriptFailed = false;

  /** The session that ended, and its key. */
  @property({ attribute: false }) chat!: SessionAccess;

  /** The topic's settings: what to ask, and in which words. */
  @property({ attribute: false }) info: ChatTopicWidgetInfo | null = null;

  /** Whether the visitor is asked to rate the chat (a chat that had an agent, not rated yet). */
  @property({ attribute: false }) askRating = false;

  /** The conversation's words in the widget's language. */
  @property({ attribute: false }) words: ConversationMessages = en;

  /** The widget's language and its direction: the transcript is written in them. */
  @property({ attribute: false }) language = 'en';
  @property({ attribute: false }) direction: 'ltr' | 'rtl' = 'ltr';

  private get transcriptOf(): TranscriptOf {
    return { chat: this.chat, language: this.language, dir: this.direction, title: this.words.transcriptTitle(this.chat.id) };
  }

  private handleStar(event: Event) {
    this.rating = Number((event.target as HTMLInputElement).value);
    if (this.phase.name === 'form' && this.phase.error) this.phase = { name: 'form' };
  }

  private handleComment(event: Event) {
    this.comment = (event.target as HTMLTextAreaElement).value;
  }

  private async handleSubmit(event: SubmitEvent) {
    event.preventDefault();
    const w = this.words;
    if (this.phase.name !== 'form') return;
    if (!this.rating) {
      this.phase = { name: 'form', error: w.chooseStars };
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLInputElement>('input[type=radio]')?.focus();
      return;
    }
    this.phase = { name: 'sending' };
    try {
      await rate(this.chat, this.rating, this.comment.trim());
      this.phase = { name: 'sent', text: w.thanks };
    } catch (error) {
      const { status, fieldErrors } = error as ChatRequestError;
      const code = status === 400 ? fieldErrors.find((problem) => problem.Field === 'Rating')?.Code : undefined;
      // Rated already (in another tab, say): that is as good as done.
      this.phase = code === 'already_rated' ? { name: 'sent', text: w.alreadyRated } : { name: 'form', error: code === 'range' ? w.chooseStars : w.notRated };
    }
    if (this.phase.name === 'sent') {
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('.thanks')?.focus();
    }
  }

  private async handleTranscript(action: 'text' | 'html' | 'print') {
    this.transcriptFailed = false;
    try {
      if (action === 'print') await printTranscript(this.transcriptOf, this.renderRoot);
      else await downloadTranscript(this.transcriptOf, action === 'html');
    } catch {
      this.transcriptFailed = true;
    }
  }

  private renderRating(w: ConversationMessages): TemplateResult {
    const { phase, rating } = this;
    const error = phase.name === 'form' ? phase.error : undefined;
    return html`
      <div role="status">${phase.name === 'sent' ? html`<p class="thanks" tabindex="-1">${phase.text}</p>` : nothing}</div>
      ${phase.name === 'sent'
        ? nothing
        : html`<form novalidate @submit=${this.handleSubmit}>
            <fieldset class="stars" aria-describedby=${error ? 'rating-error' : nothing}>
              <legend dir="auto">${this.info?.WidgetRatingText || w.rateLabel}</legend>
              ${STARS.map(
                (count) => html`<input
                    id="star-${count}"
                    type="radio"
                    name="rating"
                    value=${count}
                    .checked=${rating === count}
                    @change=${this.handleStar}
                  /><label for="star-${count}" class=${count <= rating ? 'on' : ''}
                    ><span aria-hidden="true">★</span><span class="sr-only">${w.stars(count)}</span></label
                  >`,
              )}
            </fieldset>
            ${error ? html`<p class="error" id="rating-error" role="alert">${error}</p>` : nothing}
            <label class="comment" for="comment">${w.comment}</label>
            <textarea id="comment" rows="2" maxlength="1024" .value=${this.comment} @input=${this.handleComment}></textarea>
            <button class="accent primary" type="submit" ?disabled=${phase.name === 'sending'}>
              ${phase.name === 'sending' ? w.sendingRating : w.sendRating}
            </button>
          </form>`}
    `;
  }

  /** Moves focus to the form's heading: the visitor hears what it is about, and goes on to the stars. */
  override focus(options?: FocusOptions): void {
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('h3')?.focus(options));
  }

  // The topic's own texts may be in another language than the widget's: each takes its own direction (dir="auto").
  override render() {
    const w = this.words;
    const { info, askRating } = this;
    return html`
      <section aria-labelledby="post-title">
        <h3 id="post-title" tabindex="-1" dir="auto">${askRating ? info?.Widget.PostFormHeader || w.postTitle : w.transcript}</h3>
        ${askRating ? html`<p class="message" dir="auto">${info?.Widget.PostFormMessage || w.postMessage}</p>${this.renderRating(w)}` : nothing}
        ${info?.Widget.PostTranscriptEnabled
          ? html`${askRating ? html`<p class="transcript-label" id="transcript-label">${w.transcript}</p>` : nothing}
              <div class="transcript" role="group" aria-labelledby=${askRating ? 'transcript-label' : 'post-title'}>
                <button type="button" @click=${() => this.handleTranscript('text')}>${w.downloadText}</button>
                <button type="button" @click=${() => this.handleTranscript('html')}>${w.downloadHtml}</button>
                <button type="button" @click=${() => this.handleTranscript('print')}>${w.print}</button>
              </div>
              ${this.transcriptFailed ? html`<p class="error" role="alert">${w.noTranscript}</p>` : nothing}`
          : nothing}
      </section>
    `;
  }
}

if (!customElements.get('chat-postchat-form')) customElements.define('chat-postchat-form', ChatPostchatForm);

declare global {
  interface HTMLElementTagNameMap {
    'chat-postchat-form': ChatPostchatForm;
  }
}
