/**
 * The chat topic and the language: fetches what the topic asks the widget to show, then
 * chooses the language (the element's `lang`, else the topic's, else the page's, else the
 * browser's) and loads its words. The widget shows nothing until the words are known.
 */
import {
  DEFAULT_HIDDEN_FIELDS,
  hiddenCustomerFields,
  parseRequiredFields,
  parseWidgetFields,
  requiredCustomerFields,
  type ChatSessionFieldName,
  type ChatTopicWidgetInfo,
} from '@chatline/shared';
import type { ReactiveController } from 'lit';
import { fetchTopic } from '../api.ts';
import { loadMessages, type Messages } from '../locale.ts';
import { serverOf, type ChatHost } from './host.ts';

/** The topic with the language chosen for it and that language's words. */
export type Topic = {
  /** The topic's settings; null when they could not be had (the widget then shows its defaults). */
  info: ChatTopicWidgetInfo | null;
  /** The language spoken: `en`, `nb`, `de` or `ar`. */
  language: string;
  words: Messages;
};

/** What the pre-chat form asks for, by the topic. */
export type FormLayout = {
  required: readonly ChatSessionFieldName[];
  hidden: readonly ChatSessionFieldName[];
  collectConsent: boolean;
};

/** The form a topic asks for; without one, every field but the company, all optional, and consent. */
export function formLayout(topic: ChatTopicWidgetInfo | null): FormLayout {
  const required = parseRequiredFields(topic?.Widget.RequiredFields ?? '') ?? 0;
  // A server from before HiddenFields sends none: the form it knew, without the company.
  const hidden = parseWidgetFields(topic?.Widget.HiddenFields) ?? DEFAULT_HIDDEN_FIELDS;
  return {
    required: requiredCustomerFields(required),
    hidden: hiddenCustomerFields(hidden, required),
    collectConsent: topic?.CollectConsent ?? true,
  };
}

export class TopicController implements ReactiveController {
  /** The topic and its language, once both are known (a new object each time either changes); null until then. */
  value: Topic | null = null;

  private readonly host: ChatHost;
  private info: ChatTopicWidgetInfo | null = null;
  private requested = false;
  /** The element's `lang` the words were chosen for, to choose again when it changes. */
  private chosenFor: string | null = null;

  constructor(host: ChatHost) {
    this.host = host;
    host.addController(this);
  }

  hostConnected() {
    if (this.requested) return;
    this.requested = true;
    // The first request waits for a task of its own, as the kept session's read does.
    setTimeout(() => void this.load());
  }

  hostUpdate() {
    if (this.chosenFor !== null && this.chosenFor !== this.host.lang) void this.choose();
  }

  private async load() {
    this.info = await fetchTopic(serverOf(this.host), this.host.topicId);
    await this.choose();
  }

  private async choose() {
    const lang = (this.chosenFor = this.host.lang);
    const [language, words] = await loadMessages([
      lang,
      this.info?.Language,
      document.documentElement.lang,
      ...navigator.languages,
    ]);
    // A newer `lang` asked in the meantime has the last word.
    if (lang !== this.chosenFor) return;
    this.value = { info: this.info, language, words };
    this.host.requestUpdate();
  }
}
