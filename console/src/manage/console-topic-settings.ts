import {
  ChatTopicRequiredFields,
  ChatWidgetFields,
  WEEKDAYS,
  chatTopic,
  fieldMessagesEn,
  formatRequiredFields,
  formatWidgetFields,
  parseOrigin,
  parseRequiredFields,
  parseWidgetFields,
  validateField,
  type ChatOpeningHours,
  type ChatTopicRequiredFieldName,
  type ChatWidgetFieldName,
  type Weekday,
} from '@chatline/shared';
import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { api, type ChatTopic } from '../api.ts';
import { base } from '../styles.ts';
import type { Workspace } from '../workspace.ts';
import { fieldErrorsOf, confirmStyles, formStyles, linesOf, reasonOf } from './forms.ts';

/** The text settings, by their path in the topic as the server names them in its errors. */
type TextPath =
  | 'Name'
  | 'Description'
  | 'WelcomeMessage'
  | 'Widget/WelcomeTitle'
  | 'Widget/WelcomeMessage'
  | 'Widget/Color'
  | 'Widget/ConsentText'
  | 'Widget/PrivacyPolicyUrl'
  | 'Widget/OfflineHeader'
  | 'Widget/OfflineMessage'
  | 'CustomQueueText'
  | 'Widget/PostFormHeader'
  | 'Widget/PostFormMessage'
  | 'WidgetRatingText';

/** A time of day of the opening hours, by its path. */
type TimePath = `OpeningHours/${Weekday}${'Start' | 'Stop'}` | 'OpeningHours/LunchStart' | 'OpeningHours/LunchStop';

/** An on-or-off setting, by its path. */
type SwitchPath =
  | 'CollectConsent'
  | 'OpeningHoursEnabled'
  | `OpeningHours/${Weekday}Enabled`
  | 'OpeningHours/UseLunchHours'
  | 'OfflineCollectConsent'
  | 'UseQueueOfflineForm'
  | 'CustomQueueTextEnabled'
  | 'Widget/PostFormEnabled'
  | 'WidgetEnableRating'
  | 'Widget/PostTranscriptEnabled';

/** A count, as typed. */
type CountPath = 'OfflineFormTimeLimit' | 'OfflineFormQueueLength';

/**
 * What the form holds: the text as typed, the origins one per line, the form fields as masks,
 * the times as a time input has them (`08:30`; a closing time of 00:00 is midnight, the day's end).
 */
type Draft = Record<TextPath, string> &
  Record<TimePath, string> &
  Record<SwitchPath, boolean> &
  Record<CountPath, string> & {
    Language: string;
    AllowedOrigins: string;
    'OpeningHours/TzLocation': string;
    required: number;
    hidden: number;
    /** What the offline form requires. */
    offline: number;
  };

type TextField = { path: TextPath; label: string; hint: string; lines?: number; type?: 'url'; autocomplete?: string };

const topicTexts: TextField[] = [
  { path: 'Name', label: 'Name', hint: 'Visitors and agents see it. Required.' },
  { path: 'Description', label: 'Description', hint: 'For agents only.', lines: 2 },
  { path: 'WelcomeMessage', label: 'Welcome message in the chat', hint: 'Posted in the chat when an agent picks it up. Empty: none.', lines: 3 },
];
const widgetTexts: TextField[] = [
  { path: 'Widget/WelcomeTitle', label: 'Title', hint: 'The heading of the widget before the chat starts.' },
  { path: 'Widget/WelcomeMessage', label: 'Greeting', hint: 'Shown under the title, above the form.', lines: 3 },
];
const consentTexts: TextField[] = [
  { path: 'Widget/ConsentText', label: 'Consent text', hint: 'What the visitor agrees to. Empty: the widget’s own words.', lines: 3 },
  { path: 'Widget/PrivacyPolicyUrl', label: 'Privacy policy address', hint: 'A web address starting with https://, linked beside the consent.', type: 'url' },
];
const offlineTexts: TextField[] = [
  { path: 'Widget/OfflineHeader', label: 'Offline heading', hint: 'The heading of the widget instead of the chat. Empty: the widget’s own words.' },
  {
    path: 'Widget/OfflineMessage',
    label: 'Offline message',
    hint: 'Shown under the heading, above the form to leave a message. Empty: the widget’s own words.',
    lines: 3,
  },
];
const queueTexts: TextField[] = [
  {
    path: 'CustomQueueText',
    label: 'Text in the queue',
    hint: 'In the text, {cque} becomes the visitor’s place in the queue and {cavw} the average wait (hh:mm).',
    lines: 3,
  },
];
const postFormTexts: TextField[] = [
  { path: 'Widget/PostFormHeader', label: 'Heading of the form', hint: 'Empty: the widget’s own words.' },
  { path: 'Widget/PostFormMessage', label: 'Message on the form', hint: 'Shown under the heading. Empty: none.', lines: 3 },
];
const ratingTexts: TextField[] = [{ path: 'WidgetRatingText', label: 'Rating question', hint: 'What the visitor is asked to rate. Empty: the widget’s own words.' }];
const allTexts = [...topicTexts, ...widgetTexts, ...consentTexts, ...offlineTexts, ...queueTexts, ...postFormTexts, ...ratingTexts];

/** The languages the widget has words for; a topic may name another tag, which is kept. */
const languages: [tag: string, name: string][] = [
  ['', 'The page’s or the visitor’s language'],
  ['en', 'English'],
  ['nb', 'Norsk bokmål'],
  ['de', 'Deutsch'],
  ['ar', 'العربية (Arabic)'],
];

/** The widget's form fields, in the form's order, with what the visitor sees. */
const formFields: [name: ChatWidgetFieldName, label: string][] = [
  ['Alias', 'Display name'],
  ['Name', 'Full name'],
  ['Company', 'Company'],
  ['Email', 'Email'],
  ['Phone', 'Phone'],
  ['Message', 'First question'],
];

/** The offline form's fields a topic may require, in the form's order. */
const offlineFields: [name: ChatTopicRequiredFieldName, label: string][] = [
  ['Email', 'Email'],
  ['Name', 'Name'],
  ['Company', 'Company'],
  ['Phone', 'Phone'],
];

const dayNames: Record<Weekday, string> = {
  Mon: 'Monday',
  Tue: 'Tuesday',
  Wed: 'Wednesday',
  Thu: 'Thursday',
  Fri: 'Friday',
  Sat: 'Saturday',
  Sun: 'Sunday',
};

/** Each field's label, for the summary of what is wrong. */
const labels = new Map<string, string>([
  ...[...topicTexts, ...consentTexts, ...offlineTexts, ...queueTexts, ...ratingTexts].map((field): [string, string] => [field.path, field.label]),
  ...widgetTexts.map((field): [string, string] => [field.path, `Widget ${field.label.toLowerCase()}`]),
  ...postFormTexts.map((field): [string, string] => [field.path, `${field.label} after the chat`]),
  ['Widget/Color', 'Widget colour'],
  ['Language', 'Language'],
  ['CollectConsent', 'Consent'],
  ['AllowedOrigins', 'Allowed origins'],
  ['fields', 'The visitor’s form'],
  ['OpeningHoursEnabled', 'Use opening hours'],
  ['OpeningHours/TzLocation', 'Time zone'],
  ...WEEKDAYS.flatMap((day): [string, string][] => [
    [`OpeningHours/${day}Enabled`, `Open on ${dayNames[day]}`],
    [`OpeningHours/${day}Start`, `${dayNames[day]} opens`],
    [`OpeningHours/${day}Stop`, `${dayNames[day]} closes`],
  ]),
  ['OpeningHours/UseLunchHours', 'Lunch break'],
  ['OpeningHours/LunchStart', 'Lunch break starts'],
  ['OpeningHours/LunchStop', 'Lunch break ends'],
  ['offline', 'The offline form’s fields'],
  ['OfflineCollectConsent', 'Consent on the offline form'],
  ['UseQueueOfflineForm', 'Offer to leave a message from the queue'],
  ['OfflineFormTimeLimit', 'Minutes in the queue'],
  ['OfflineFormQueueLength', 'Visitors waiting'],
  ['CustomQueueTextEnabled', 'Own queue text'],
  ['Widget/PostFormEnabled', 'Form after the chat'],
  ['WidgetEnableRating', 'Rating'],
  ['Widget/PostTranscriptEnabled', 'Transcript'],
]);

const requirable = (name: ChatWidgetFieldName) => name in ChatTopicRequiredFields;
const MAX_ORIGINS = chatTopic.field('AllowedOrigins')?.maxItems ?? 50;
const WIDGET_COLOUR = '#1f4fd1';
const MAX_COUNT = 2_147_483_647;
const UTC = 'UTC';

const idOf = (path: string) => `topic-${path.replace('/', '-')}`;
const text = (value: unknown) => (typeof value === 'string' ? value : '');
const flag = (value: unknown, otherwise: boolean) => (typeof value === 'boolean' ? value : otherwise);

/** The time zone the browser is in, or UTC if it will not say. */
const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || UTC;

let zoneNames: string[] | undefined;
/** The time zones the browser knows, UTC first. */
const zones = () => (zoneNames ??= [UTC, ...Intl.supportedValuesOf('timeZone').filter((zone) => zone !== UTC)]);

const offsets = new Map<string, string>();
/** The zone's offset from UTC today, as `UTC+01:00` (`UTC` for none). */
function offsetOf(zone: string): string {
  let offset = offsets.get(zone);
  if (offset === undefined) {
    try {
      const name = new Intl.DateTimeFormat('en', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(new Date()).find((part) => part.type === 'timeZoneName');
      offset = (name?.value ?? '').replace(/^GMT/, UTC);
    } catch {
      offset = '';
    }
    offsets.set(zone, offset);
  }
  return offset;
}

/** `America/Argentina/Buenos Aires (UTC−03:00)`. */
const zoneLabel = (zone: string) => {
  const offset = offsetOf(zone);
  return `${zone.replaceAll('_', ' ')}${offset && zone !== UTC ? ` (${offset})` : ''}`;
};

/** The weekday and time the zone's clocks show now, as `Monday 14:05`, or '' for a zone the browser does not know. */
function clockIn(zone: string): string {
  try {
    return new Intl.DateTimeFormat('en-GB', { timeZone: zone, weekday: 'long', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date());
  } catch {
    return '';
  }
}

const TIME_REGEX = /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/;

/**
 * The server's `08:30:00` as a time input takes it, `08:30`. A time input cannot show 24:00,
 * so the end of the day (a closing time of 24:00:00) is shown as 00:00, which cannot close a
 * day otherwise: a day closes after it opens.
 */
function timeIn(value: unknown, closing: boolean): string {
  const time = text(value);
  if (closing && /^24:00(:00)?$/.test(time)) return '00:00';
  return /^\d{2}:\d{2}:00$/.test(time) ? time.slice(0, 5) : time;
}

/** The time to send: `08:30:00`, and a closing time of 00:00 as the day's end, 24:00:00. */
function timeOut(value: string, closing: boolean): string {
  if (closing && /^00:00(:00)?$/.test(value)) return '24:00:00';
  return value.length === 5 ? `${value}:00` : value;
}

/** The opening hours of a draft, to tell whether they changed. */
const hoursOf = (draft: Draft) => JSON.stringify(Object.entries(draft).filter(([path]) => path.startsWith('OpeningHours')));

/** The opening hours' paths of a day. */
const dayPaths = (day: Weekday) =>
  ({ enabled: `OpeningHours/${day}Enabled`, start: `OpeningHours/${day}Start`, stop: `OpeningHours/${day}Stop` }) as const;

function draftOf(topic: ChatTopic): Draft {
  const widget = topic.Widget ?? {};
  const required = parseRequiredFields(widget.RequiredFields) ?? 0;
  const hours: Partial<ChatOpeningHours> = topic.OpeningHours ?? {};
  const days = Object.fromEntries(
    WEEKDAYS.flatMap((day) => {
      const paths = dayPaths(day);
      return [
        [paths.enabled, flag(hours[`${day}Enabled`], day !== 'Sat' && day !== 'Sun')],
        [paths.start, timeIn(hours[`${day}Start`] ?? '08:00:00', false)],
        [paths.stop, timeIn(hours[`${day}Stop`] ?? '16:00:00', true)],
      ];
    }),
  ) as Pick<Draft, `OpeningHours/${Weekday}${'Enabled' | 'Start' | 'Stop'}`>;
  return {
    Name: topic.Name ?? '',
    Description: topic.Description ?? '',
    WelcomeMessage: topic.WelcomeMessage ?? '',
    Language: topic.Language ?? '',
    CollectConsent: topic.CollectConsent !== false,
    AllowedOrigins: (topic.AllowedOrigins ?? []).join('\n'),
    'Widget/WelcomeTitle': text(widget.WelcomeTitle),
    'Widget/WelcomeMessage': text(widget.WelcomeMessage),
    'Widget/Color': text(widget.Color),
    'Widget/ConsentText': text(widget.ConsentText),
    'Widget/PrivacyPolicyUrl': text(widget.PrivacyPolicyUrl),
    required,
    // A required field is asked for all the same: it is not shown as hidden.
    hidden: (parseWidgetFields(widget.HiddenFields) ?? 0) & ~required,
    OpeningHoursEnabled: topic.OpeningHoursEnabled === true,
    'OpeningHours/TzLocation': text(hours.TzLocation?.TZLocationCode) || text(hours.TzLocation?.Name) || UTC,
    ...days,
    'OpeningHours/UseLunchHours': hours.UseLunchHours === true,
    'OpeningHours/LunchStart': timeIn(hours.LunchStart ?? '11:30:00', false),
    'OpeningHours/LunchStop': timeIn(hours.LunchStop ?? '12:00:00', true),
    'Widget/OfflineHeader': text(widget.OfflineHeader),
    'Widget/OfflineMessage': text(widget.OfflineMessage),
    offline: parseRequiredFields(widget.OfflineFields) ?? ChatTopicRequiredFields.Email,
    OfflineCollectConsent: topic.OfflineCollectConsent !== false,
    UseQueueOfflineForm: topic.UseQueueOfflineForm !== false,
    OfflineFormTimeLimit: String(topic.OfflineFormTimeLimit ?? 5),
    OfflineFormQueueLength: String(topic.OfflineFormQueueLength ?? 0),
    CustomQueueTextEnabled: topic.CustomQueueTextEnabled === true,
    CustomQueueText: topic.CustomQueueText ?? '',
    'Widget/PostFormEnabled': flag(widget.PostFormEnabled, true),
    'Widget/PostFormHeader': text(widget.PostFormHeader),
    'Widget/PostFormMessage': text(widget.PostFormMessage),
    WidgetEnableRating: topic.WidgetEnableRating !== false,
    WidgetRatingText: topic.WidgetRatingText ?? '',
    'Widget/PostTranscriptEnabled': flag(widget.PostTranscriptEnabled, true),
  };
}

/** What is wrong with a text setting, in words, or undefined. */
function textProblem(path: TextPath, value: string): string | undefined {
  const spec = chatTopic.fieldAt(path)!;
  const trimmedValue = value.trim();
  if (path === 'Name' && trimmedValue === '') return 'Give the topic a name.';
  const result = validateField(spec, trimmedValue);
  if (result.ok) return undefined;
  switch (result.error.Code) {
    case 'too_long':
      return `Use at most ${spec.maxLength} characters: this has ${trimmedValue.length}.`;
    case 'characters':
      return fieldMessagesEn.characters();
    default:
      if (path === 'Widget/Color') return 'Write the colour as # and six hex digits, like #0b5cad, or leave it empty.';
      if (path === 'Widget/PrivacyPolicyUrl') return 'Write a web address starting with https:// (or http://), or leave it empty.';
      return `This is not a valid ${spec.name}.`;
  }
}

/** What is wrong with the origins, in words, or undefined. */
function originsProblem(value: string): string | undefined {
  const lines = linesOf(value);
  const wrong = lines.findIndex((line) => parseOrigin(line) === undefined);
  if (wrong >= 0) return `“${lines[wrong]}” (line ${wrong + 1}) is not an origin: write the scheme and host only, like https://shop.example.`;
  if (lines.length > MAX_ORIGINS) return `At most ${MAX_ORIGINS} origins: there are ${lines.length}.`;
  return undefined;
}

function languageProblem(value: string): string | undefined {
  const result = validateField(chatTopic.field('Language')!, value);
  return result.ok ? undefined : 'Choose a language.';
}

/** What is wrong with a count as typed (a number input has '' for what is not a number), or undefined. */
function countProblem(value: string): string | undefined {
  const count = value.trim();
  if (!/^\d+$/.test(count) || Number(count) > MAX_COUNT) return 'Write a whole number: 0 or more.';
  return undefined;
}

/** The problems of the opening hours the console can see: a time left out. The order of times is the server's to judge. */
function hoursProblems(draft: Draft, errors: Map<string, string>) {
  const time = (path: TimePath, problem: string) => {
    if (!TIME_REGEX.test(draft[path])) errors.set(path, problem);
  };
  for (const day of WEEKDAYS) {
    const paths = dayPaths(day);
    if (!draft[paths.enabled]) continue;
    time(paths.start, `Give the time ${dayNames[day]} opens.`);
    time(paths.stop, `Give the time ${dayNames[day]} closes.`);
  }
  if (draft['OpeningHours/UseLunchHours']) {
    time('OpeningHours/LunchStart', 'Give the time the lunch break starts.');
    time('OpeningHours/LunchStop', 'Give the time the lunch break ends.');
  }
}

/**
 * A topic's settings: its name, description and welcome message, its language, consent, the
 * origins whose pages may use it, how the widget looks and what its form asks, its opening
 * hours, what the widget offers when nobody can answer, the queue's words, and what comes
 * after the chat. The whole topic is read, changed and written back, so what this form does
 * not show is kept.
 *
 * @event console-topic-saved - The topic was saved; `detail` is the topic as the server stored it.
 * @event console-notice - Something the console should say; `detail` is the text.
 */
@customElement('console-topic-settings')
export class ConsoleTopicSettings extends LitElement {
  static override styles = [
    base,
    formStyles,
    confirmStyles,
    css`
      :host {
        display: block;
      }
      .colour {
        display: flex;
        align-items: center;
        gap: 8px;
      }
      .colour input[type='text'] {
        width: 10ch;
        font-family: ui-monospace, monospace;
      }
      input[type='color'] {
        width: 44px;
        height: 34px;
        padding: 2px;
      }
      .origins {
        font-family: ui-monospace, monospace;
      }
      .fields td:first-child,
      .fields th:first-child {
        width: 40%;
      }
      .fields table {
        max-width: 560px;
      }
      /* A setting's hint under its checkbox, in line with the label. */
      .switch {
        display: grid;
        gap: 2px;
        max-width: 640px;
      }
      .switch > .check label {
        font-weight: 600;
      }
      .switch > .hint,
      .nested {
        margin-inline-start: calc(1.1em + 8px);
      }
      /* What a setting above turns on. */
      .nested {
        display: grid;
        gap: 12px;
        padding-inline-start: 12px;
        border-inline-start: 2px solid var(--line);
      }
      .week {
        max-width: 620px;
      }
      .week caption {
        font-weight: 600;
      }
      .week th[scope='row'] {
        width: 30%;
        font-weight: 400;
      }
      .week th[scope='row'],
      .week td {
        vertical-align: top;
      }
      .week td:nth-child(2) {
        width: 11em;
      }
      /* As tall as a time input, so that the day is in line with its times, an error under them or not. */
      .week th[scope='row'] .check,
      .week td.closed {
        min-height: calc(1.45em + 14px);
      }
      .week td.closed {
        line-height: calc(1.45em + 14px);
      }
      .week .field-error {
        margin-top: 4px;
      }
      input[type='time'] {
        width: 9em;
      }
      input[type='number'] {
        width: 9ch;
      }
      select.zone {
        max-width: 100%;
        width: 28em;
      }
      .times {
        display: flex;
        flex-wrap: wrap;
        gap: 12px 20px;
      }
      .choices-inline {
        display: flex;
        flex-wrap: wrap;
        gap: 8px 24px;
      }
      .open-now {
        margin: 0 0 0 calc(1.1em + 8px);
      }
      .open-now strong {
        font-weight: 600;
      }
      .sticky {
        position: sticky;
        bottom: 0;
        padding: 10px 0 14px;
        background: var(--panel);
        border-top: 1px solid var(--line);
      }
    `,
  ];

  @property({ attribute: false }) topicId = 0;
  @property({ attribute: false }) workspace!: Workspace;
  @state() private topic: ChatTopic | null = null;
  @state() private draft: Draft | null = null;
  @state() private errors = new Map<string, string>();
  @state() private alert = '';
  @state() private saved = '';
  @state() private busy = false;
  @state() private loadError = '';
  /** Whether the server says the topic is within its (saved) opening hours now; null until it has. */
  @state() private openNow: boolean | null = null;

  /** The draft as read, to tell whether anything changed. */
  private original = '';
  /** The time zones' options as last drawn, for the zone chosen: some 400 of them, drawn again only when it changes. */
  private zonesDrawn: { zone: string; options: TemplateResult[] } | null = null;
  private loading = 0;

  /** Whether the form has changes that are not saved. */
  get dirty(): boolean {
    return this.draft !== null && JSON.stringify(this.draft) !== this.original;
  }

  override focus() {
    this.renderRoot.querySelector<HTMLElement>(`#${idOf('Name')}`)?.focus();
  }

  override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('topicId') && this.topicId) void this.load();
  }

  private async load() {
    const loading = ++this.loading;
    this.topic = null;
    this.draft = null;
    this.errors = new Map();
    this.alert = '';
    this.saved = '';
    this.loadError = '';
    this.openNow = null;
    try {
      const topic = await api.topic(this.topicId);
      if (loading !== this.loading) return;
      this.take(topic);
      void this.readOpenNow();
    } catch (error) {
      if (loading === this.loading) this.loadError = `Could not read the topic’s settings: ${reasonOf(error)}`;
    }
  }

  /** Asks the server whether the topic is open now: its clock and its rule, not the browser's. */
  private async readOpenNow() {
    const loading = this.loading;
    try {
      const open = await api.isOpen(this.topicId);
      if (loading === this.loading) this.openNow = open === true;
    } catch {
      if (loading === this.loading) this.openNow = null;
    }
  }

  private take(topic: ChatTopic) {
    this.topic = topic;
    this.draft = draftOf(topic);
    this.original = JSON.stringify(this.draft);
  }

  /** Takes away what is said to be wrong with these fields. */
  private clearErrors(...paths: string[]) {
    if (!paths.some((path) => this.errors.has(path))) return;
    const errors = new Map(this.errors);
    for (const path of paths) errors.delete(path);
    this.errors = errors;
  }

  private set<K extends keyof Draft>(key: K, value: Draft[K]) {
    if (!this.draft) return;
    this.draft = { ...this.draft, [key]: value };
    this.saved = '';
    this.clearErrors(key);
  }

  private handleText(path: TextPath, event: Event) {
    this.set(path, (event.target as HTMLInputElement | HTMLTextAreaElement).value);
  }

  private handlePickColour(event: Event) {
    this.set('Widget/Color', (event.target as HTMLInputElement).value);
  }

  private handleRequired(name: ChatWidgetFieldName, event: Event) {
    if (!this.draft) return;
    const bit = ChatWidgetFields[name];
    const on = (event.target as HTMLInputElement).checked;
    const required = on ? this.draft.required | bit : this.draft.required & ~bit;
    // A required field is always asked: it cannot be hidden as well.
    this.draft = { ...this.draft, required, hidden: on ? this.draft.hidden & ~bit : this.draft.hidden };
    this.saved = '';
  }

  private handleHidden(name: ChatWidgetFieldName, event: Event) {
    if (!this.draft) return;
    const bit = ChatWidgetFields[name];
    const on = (event.target as HTMLInputElement).checked;
    this.set('hidden', on ? this.draft.hidden | bit : this.draft.hidden & ~bit);
  }

  private handleSwitch(path: SwitchPath, event: Event) {
    this.set(path, (event.target as HTMLInputElement).checked);
  }

  private handleHoursSwitch(event: Event) {
    const on = (event.target as HTMLInputElement).checked;
    this.set('OpeningHoursEnabled', on);
    // A topic that never had hours has the server's UTC: the manager is more likely where the topic is.
    if (on && this.draft?.['OpeningHours/TzLocation'] === UTC && !this.topic?.OpeningHoursEnabled) this.set('OpeningHours/TzLocation', browserZone());
  }

  private handleZone(event: Event) {
    this.set('OpeningHours/TzLocation', (event.target as HTMLSelectElement).value);
  }

  private handleDay(day: Weekday, event: Event) {
    const paths = dayPaths(day);
    this.set(paths.enabled, (event.target as HTMLInputElement).checked);
    this.clearErrors(paths.start, paths.stop);
  }

  /** A time of a day or of the lunch break: what is wrong with one of the two may be the other's doing. */
  private handleTime(path: TimePath, event: Event) {
    this.set(path, (event.target as HTMLInputElement).value);
    this.clearErrors(path.endsWith('Start') ? path.replace(/Start$/, 'Stop') : path.replace(/Stop$/, 'Start'));
  }

  private handleCopyMonday() {
    const draft = this.draft;
    if (!draft) return;
    const monday = dayPaths('Mon');
    const days = WEEKDAYS.filter((day) => day !== 'Mon' && draft[dayPaths(day).enabled]);
    const copied = { ...draft };
    for (const day of days) {
      const paths = dayPaths(day);
      copied[paths.start] = draft[monday.start];
      copied[paths.stop] = draft[monday.stop];
      this.clearErrors(paths.start, paths.stop);
    }
    this.draft = copied;
    this.saved = '';
    const said = days.length === 0 ? 'No other day is open: Monday’s hours were not copied.' : `Monday’s hours were copied to ${days.map((day) => dayNames[day]).join(', ')}.`;
    this.dispatchEvent(new CustomEvent<string>('console-notice', { detail: said, bubbles: true, composed: true }));
  }

  private handleCount(path: CountPath, event: Event) {
    this.set(path, (event.target as HTMLInputElement).value);
  }

  private handleOfflineField(name: ChatTopicRequiredFieldName, event: Event) {
    if (!this.draft) return;
    const bit = ChatTopicRequiredFields[name];
    this.set('offline', (event.target as HTMLInputElement).checked ? this.draft.offline | bit : this.draft.offline & ~bit);
  }

  private async handleReset() {
    if (!this.topic || this.busy) return;
    this.take(this.topic);
    this.errors = new Map();
    this.alert = '';
    this.saved = '';
    this.dispatchEvent(new CustomEvent<string>('console-notice', { detail: 'The changes to the settings were undone.', bubbles: true, composed: true }));
    // The button is disabled now that nothing is changed: the cursor goes back to the form's start.
    await this.updateComplete;
    this.focus();
  }

  /** The problems the console can see before it sends, by field path. */
  private check(draft: Draft): Map<string, string> {
    const errors = new Map<string, string>();
    for (const { path } of [...allTexts, { path: 'Widget/Color' as const }]) {
      const problem = textProblem(path, draft[path]);
      if (problem) errors.set(path, problem);
    }
    const language = languageProblem(draft.Language);
    if (language) errors.set('Language', language);
    const origins = originsProblem(draft.AllowedOrigins);
    if (origins) errors.set('AllowedOrigins', origins);
    hoursProblems(draft, errors);
    for (const path of ['OfflineFormTimeLimit', 'OfflineFormQueueLength'] as const) {
      const problem = countProblem(draft[path]);
      if (problem) errors.set(path, problem);
    }
    return errors;
  }

  /** The opening hours to write: as read, with this form's values; a time left out of a closed day stays as it was. */
  private hours(topic: ChatTopic, draft: Draft): ChatOpeningHours {
    const read: Partial<ChatOpeningHours> = topic.OpeningHours ?? {};
    const time = (path: TimePath, closing: boolean, was: string | undefined, otherwise: string) =>
      TIME_REGEX.test(draft[path]) ? timeOut(draft[path], closing) : (was ?? otherwise);
    const zone = draft['OpeningHours/TzLocation'];
    const days = Object.fromEntries(
      WEEKDAYS.flatMap((day) => {
        const paths = dayPaths(day);
        return [
          [`${day}Enabled`, draft[paths.enabled]],
          [`${day}Start`, time(paths.start, false, read[`${day}Start`], '08:00:00')],
          [`${day}Stop`, time(paths.stop, true, read[`${day}Stop`], '16:00:00')],
        ];
      }),
    );
    return {
      ...read,
      // TimeZoneData as SuperOffice writes it; the server reads the IANA name from TZLocationCode.
      TzLocation: { TZLocationID: 0, TZLocationCities: '', ...read.TzLocation, TZLocationCode: zone, Name: zone },
      ...days,
      UseLunchHours: draft['OpeningHours/UseLunchHours'],
      LunchStart: time('OpeningHours/LunchStart', false, read.LunchStart, '11:30:00'),
      LunchStop: time('OpeningHours/LunchStop', true, read.LunchStop, '12:00:00'),
    } as ChatOpeningHours;
  }

  /** The whole topic to write: as read, with this form's values in it. */
  private body(topic: ChatTopic, draft: Draft): ChatTopic {
    return {
      ...topic,
      Name: draft.Name.trim(),
      Description: draft.Description.trim(),
      WelcomeMessage: draft.WelcomeMessage.trim(),
      Language: draft.Language,
      CollectConsent: draft.CollectConsent,
      CustomQueueTextEnabled: draft.CustomQueueTextEnabled,
      CustomQueueText: draft.CustomQueueText.trim(),
      OpeningHoursEnabled: draft.OpeningHoursEnabled,
      OpeningHours: this.hours(topic, draft),
      AllowedOrigins: linesOf(draft.AllowedOrigins),
      Widget: {
        ...topic.Widget,
        WelcomeTitle: draft['Widget/WelcomeTitle'].trim(),
        WelcomeMessage: draft['Widget/WelcomeMessage'].trim(),
        Color: draft['Widget/Color'].trim(),
        ConsentText: draft['Widget/ConsentText'].trim(),
        PrivacyPolicyUrl: draft['Widget/PrivacyPolicyUrl'].trim(),
        RequiredFields: formatRequiredFields(draft.required) || 'None',
        HiddenFields: formatWidgetFields(draft.hidden & ~draft.required) || 'None',
        OfflineHeader: draft['Widget/OfflineHeader'].trim(),
        OfflineMessage: draft['Widget/OfflineMessage'].trim(),
        OfflineFields: formatRequiredFields(draft.offline) || 'None',
        PostFormEnabled: draft['Widget/PostFormEnabled'],
        PostFormHeader: draft['Widget/PostFormHeader'].trim(),
        PostFormMessage: draft['Widget/PostFormMessage'].trim(),
        PostTranscriptEnabled: draft['Widget/PostTranscriptEnabled'],
      },
      OfflineCollectConsent: draft.OfflineCollectConsent,
      UseQueueOfflineForm: draft.UseQueueOfflineForm,
      OfflineFormTimeLimit: Number(draft.OfflineFormTimeLimit.trim()),
      OfflineFormQueueLength: Number(draft.OfflineFormQueueLength.trim()),
      WidgetEnableRating: draft.WidgetEnableRating,
      WidgetRatingText: draft.WidgetRatingText.trim(),
    };
  }

  private async handleSubmit(event: SubmitEvent) {
    event.preventDefault();
    const { topic, draft } = this;
    if (!topic || !draft || this.busy) return;
    this.saved = '';
    const errors = this.check(draft);
    if (errors.size > 0) return this.refused(errors, '');
    this.busy = true;
    this.errors = new Map();
    this.alert = '';
    try {
      const stored = await api.saveTopic(this.body(topic, draft));
      this.take(stored);
      void this.readOpenNow();
      this.saved = `Saved at ${new Date().toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}.`;
      this.dispatchEvent(new CustomEvent<ChatTopic>('console-topic-saved', { detail: stored, bubbles: true, composed: true }));
      this.dispatchEvent(new CustomEvent<string>('console-notice', { detail: `The settings of ${stored.Name} were saved.`, bubbles: true, composed: true }));
      // The topic's name shows across the console: it reads the topics again.
      void this.workspace.loadTopics().catch(() => {});
    } catch (error) {
      const byField = new Map<string, string>();
      for (const problem of fieldErrorsOf(error)) byField.set(this.fieldOf(problem.Field), problem.Message);
      this.refused(byField, byField.size > 0 ? '' : `The settings were not saved: ${reasonOf(error)}`);
    } finally {
      this.busy = false;
    }
  }

  /** The form's field for a path the server names (in any case; the form fields under their masks). */
  private fieldOf(path: string): string {
    const lower = path.toLowerCase();
    if (lower === 'widget/requiredfields' || lower === 'widget/hiddenfields' || lower === 'widget') return 'fields';
    if (lower === 'widget/offlinefields') return 'offline';
    if (lower === 'openinghours') return 'OpeningHoursEnabled';
    return [...labels.keys()].find((field) => field.toLowerCase() === lower) ?? path;
  }

  /** Shows what is wrong, next to each field and in a summary, and puts the cursor in the first. */
  private async refused(errors: Map<string, string>, alert: string) {
    this.errors = errors;
    const count = errors.size;
    this.alert = alert || `The settings were not saved: ${count === 1 ? 'one field needs' : `${count} fields need`} a change.`;
    await this.updateComplete;
    const first = [...this.renderRoot.querySelectorAll<HTMLElement>('[aria-invalid="true"]')][0];
    (first ?? this.renderRoot.querySelector<HTMLElement>('.alert'))?.focus();
  }

  /** From the summary of problems to the field. */
  private handleJump(path: string) {
    const selector = path === 'fields' ? '.fields input' : path === 'offline' ? '.offline-fields input' : `#${idOf(path)}`;
    this.renderRoot.querySelector<HTMLElement>(selector)?.focus();
  }

  /** The hint (its own, `${id}-hint`, or another's by id) and the error that describe a field. */
  private describedBy(path: string, hint: boolean | string) {
    const hintId = hint === true ? `${idOf(path)}-hint` : hint || '';
    return [hintId, this.errors.has(path) ? `${idOf(path)}-error` : ''].filter(Boolean).join(' ') || nothing;
  }

  private invalid(path: string) {
    return this.errors.has(path) ? 'true' : 'false';
  }

  /** Whether what a setting turns on is shown: while it is on, or while something in it is wrong. */
  private shows(on: boolean, ...paths: string[]) {
    return on || paths.some((path) => this.errors.has(path));
  }

  private renderError(path: string) {
    const error = this.errors.get(path);
    return error ? html`<p class="field-error" id="${idOf(path)}-error">${error}</p>` : nothing;
  }

  private renderText(draft: Draft, field: TextField) {
    const id = idOf(field.path);
    const invalid = this.invalid(field.path);
    const max = chatTopic.fieldAt(field.path)?.maxLength;
    const hint = `${field.hint}${max ? ` At most ${max} characters.` : ''}`;
    return html`<div class="field">
      <label for=${id}>${field.label}</label>
      ${field.lines
        ? html`<textarea
            id=${id}
            rows=${field.lines}
            .value=${draft[field.path]}
            aria-invalid=${invalid}
            aria-describedby=${this.describedBy(field.path, true)}
            @input=${(event: Event) => this.handleText(field.path, event)}
          ></textarea>`
        : html`<input
            id=${id}
            type=${field.type ?? 'text'}
            .value=${draft[field.path]}
            ?required=${field.path === 'Name'}
            aria-invalid=${invalid}
            aria-describedby=${this.describedBy(field.path, true)}
            autocomplete="off"
            @input=${(event: Event) => this.handleText(field.path, event)}
          />`}
      <p class="hint" id="${id}-hint">${hint}</p>
      ${this.renderError(field.path)}
    </div>`;
  }

  /** A checkbox for a setting, with what it does under it. */
  private renderSwitch(draft: Draft, path: SwitchPath, label: string, hint: string, onChange = (event: Event) => this.handleSwitch(path, event)) {
    const id = idOf(path);
    return html`<div class="switch">
      <div class="check">
        <input
          id=${id}
          type="checkbox"
          .checked=${live(draft[path])}
          aria-invalid=${this.invalid(path)}
          aria-describedby=${this.describedBy(path, true)}
          @change=${onChange}
        />
        <label for=${id}>${label}</label>
      </div>
      <p class="hint" id="${id}-hint">${hint}</p>
      ${this.renderError(path)}
    </div>`;
  }

  private renderLanguage(draft: Draft) {
    const id = idOf('Language');
    const known = languages.some(([tag]) => tag === draft.Language);
    return html`<div class="field">
      <label for=${id}>Language</label>
      <select
        id=${id}
        aria-invalid=${this.invalid('Language')}
        aria-describedby=${this.describedBy('Language', true)}
        @change=${(event: Event) => this.set('Language', (event.target as HTMLSelectElement).value)}
      >
        ${languages.map(([tag, name]) => html`<option value=${tag} ?selected=${tag === draft.Language}>${name}${tag ? ` (${tag})` : ''}</option>`)}
        ${known ? nothing : html`<option value=${draft.Language} selected>${draft.Language}</option>`}
      </select>
      <p class="hint" id="${id}-hint">The widget’s language when the page does not set one.</p>
      ${this.renderError('Language')}
    </div>`;
  }

  private renderColour(draft: Draft) {
    const id = idOf('Widget/Color');
    const value = draft['Widget/Color'].trim();
    const valid = /^#[0-9a-f]{6}$/i.test(value);
    return html`<div class="field">
      <label for=${id}>Colour</label>
      <div class="colour">
        <input
          id=${id}
          type="text"
          .value=${draft['Widget/Color']}
          placeholder=${WIDGET_COLOUR}
          spellcheck="false"
          autocomplete="off"
          aria-invalid=${this.invalid('Widget/Color')}
          aria-describedby=${this.describedBy('Widget/Color', true)}
          @input=${(event: Event) => this.handleText('Widget/Color', event)}
        />
        <input type="color" aria-label="Pick the colour" .value=${valid ? value.toLowerCase() : WIDGET_COLOUR} @input=${this.handlePickColour} />
      </div>
      <p class="hint" id="${id}-hint">The widget’s buttons and header, as #rrggbb. Empty: the widget’s own blue.</p>
      ${this.renderError('Widget/Color')}
    </div>`;
  }

  private renderOrigins(draft: Draft) {
    const id = idOf('AllowedOrigins');
    return html`<div class="field">
      <label for=${id}>Allowed origins</label>
      <textarea
        id=${id}
        class="origins"
        rows="4"
        spellcheck="false"
        .value=${draft.AllowedOrigins}
        aria-invalid=${this.invalid('AllowedOrigins')}
        aria-describedby=${this.describedBy('AllowedOrigins', true)}
        @input=${(event: Event) => this.set('AllowedOrigins', (event.target as HTMLTextAreaElement).value)}
      ></textarea>
      <p class="hint" id="${id}-hint">
        One per line, like https://shop.example: pages there may start chats in this topic, besides the server’s own and those the server allows for
        every topic. At most ${MAX_ORIGINS}.
      </p>
      ${this.renderError('AllowedOrigins')}
    </div>`;
  }

  private renderFormFields(draft: Draft) {
    return html`<fieldset class="fields" aria-describedby="${idOf('fields')}-hint${this.errors.has('fields') ? ` ${idOf('fields')}-error` : ''}">
      <legend>The visitor’s form</legend>
      <p class="hint" id="${idOf('fields')}-hint">A required field is always asked, so it cannot be hidden too. Every field not hidden is asked.</p>
      <table>
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col" class="centre">Required</th>
            <th scope="col" class="centre">Hidden</th>
          </tr>
        </thead>
        <tbody>
          ${formFields.map(([name, label]) => {
            const bit = ChatWidgetFields[name];
            const required = (draft.required & bit) !== 0;
            const hidden = (draft.hidden & bit) !== 0;
            return html`<tr>
              <th scope="row">${label}</th>
              <td class="centre">
                ${requirable(name)
                  ? html`<input type="checkbox" aria-label="${label} required" .checked=${required} @change=${(event: Event) => this.handleRequired(name, event)} />`
                  : html`<span aria-hidden="true">—</span><span class="visually-hidden">${label} cannot be required</span>`}
              </td>
              <td class="centre">
                <input
                  type="checkbox"
                  aria-label="${label} hidden"
                  .checked=${hidden}
                  ?disabled=${required}
                  aria-describedby=${required ? `${idOf('fields')}-hint` : nothing}
                  @change=${(event: Event) => this.handleHidden(name, event)}
                />
              </td>
            </tr>`;
          })}
        </tbody>
      </table>
      ${this.renderError('fields')}
    </fieldset>`;
  }

  /** A time input of the opening hours, with its error under it. */
  private renderTime(draft: Draft, path: TimePath, label: string, hint: string | false, visibleLabel = false) {
    const id = idOf(path);
    const input = html`<input
      id=${id}
      type="time"
      step="60"
      .value=${live(draft[path])}
      aria-label=${visibleLabel ? nothing : label}
      aria-invalid=${this.invalid(path)}
      aria-describedby=${this.describedBy(path, hint)}
      @input=${(event: Event) => this.handleTime(path, event)}
    />`;
    return visibleLabel
      ? html`<div class="field"><label for=${id}>${label}</label>${input}${this.renderError(path)}</div>`
      : html`${input}${this.renderError(path)}`;
  }

  private zoneOptions(zone: string): TemplateResult[] {
    if (this.zonesDrawn?.zone !== zone) {
      const known = zones();
      // A zone the browser does not list (an old name the server kept) is offered too.
      const options = [...(known.includes(zone) ? [] : [zone]), ...known].map((name) => html`<option value=${name} ?selected=${name === zone}>${zoneLabel(name)}</option>`);
      this.zonesDrawn = { zone, options };
    }
    return this.zonesDrawn.options;
  }

  private renderZone(draft: Draft) {
    const path = 'OpeningHours/TzLocation';
    const id = idOf(path);
    const zone = draft[path];
    const clock = clockIn(zone);
    return html`<div class="field">
      <label for=${id}>Time zone</label>
      <select
        id=${id}
        class="zone"
        aria-invalid=${this.invalid(path)}
        aria-describedby=${this.describedBy(path, true)}
        @change=${this.handleZone}
      >
        ${this.zoneOptions(zone)}
      </select>
      <p class="hint" id="${id}-hint">
        The hours below are on this zone’s clocks, summer time included.${clock ? ` It is ${clock} there now.` : ''}${zone === browserZone()
          ? ' It is your browser’s time zone too.'
          : ''}
      </p>
      ${this.renderError(path)}
    </div>`;
  }

  private renderWeek(draft: Draft) {
    const hint = `${idOf('week')}-hint`;
    return html`<table class="week">
        <caption>
          Days and hours
        </caption>
        <thead>
          <tr>
            <th scope="col">Open on</th>
            <th scope="col">Opens</th>
            <th scope="col">Closes</th>
          </tr>
        </thead>
        <tbody>
          ${WEEKDAYS.map((day) => {
            const paths = dayPaths(day);
            const open = draft[paths.enabled];
            const name = dayNames[day];
            return html`<tr>
              <th scope="row">
                <span class="check">
                  <input id=${idOf(paths.enabled)} type="checkbox" .checked=${live(open)} @change=${(event: Event) => this.handleDay(day, event)} />
                  <label for=${idOf(paths.enabled)}><span class="visually-hidden">Open on </span>${name}</label>
                </span>
              </th>
              ${this.shows(open, paths.start, paths.stop)
                ? html`<td>${this.renderTime(draft, paths.start, `${name} opens`, false)}</td>
                    <td>${this.renderTime(draft, paths.stop, `${name} closes`, hint)}</td>`
                : html`<td colspan="2" class="muted closed">Closed</td>`}
            </tr>`;
          })}
        </tbody>
      </table>
      <p class="hint" id=${hint}>A day is open from its opening time until its closing time. A closing time of 00:00 is midnight, the end of the day.</p>
      <div class="actions">
        <button type="button" @click=${this.handleCopyMonday}>Use Monday’s hours on every open day</button>
      </div>`;
  }

  private renderLunch(draft: Draft) {
    const on = draft['OpeningHours/UseLunchHours'];
    return html`<fieldset>
      <legend>Lunch break</legend>
      ${this.renderSwitch(draft, 'OpeningHours/UseLunchHours', 'Close for lunch on every open day', 'The topic takes no chats from the start of the break until its end.')}
      ${this.shows(on, 'OpeningHours/LunchStart', 'OpeningHours/LunchStop')
        ? html`<div class="nested times">
            ${this.renderTime(draft, 'OpeningHours/LunchStart', 'Lunch starts', false, true)}
            ${this.renderTime(draft, 'OpeningHours/LunchStop', 'Lunch ends', false, true)}
          </div>`
        : nothing}
    </fieldset>`;
  }

  private renderOpenNow(draft: Draft) {
    // Without hours, before and after, the switch's own hint says it all.
    if (this.openNow === null || (!draft.OpeningHoursEnabled && !this.topic?.OpeningHoursEnabled)) return nothing;
    const changed = hoursOf(draft) !== hoursOf(draftOf(this.topic!));
    return html`<p class="open-now">
      ${changed ? 'By the hours as saved, the' : 'The'} topic is <strong>${this.openNow ? 'open' : 'closed'}</strong> now.
    </p>`;
  }

  private renderHours(draft: Draft) {
    const on = draft.OpeningHoursEnabled;
    const paths = [...this.errors.keys()].filter((path) => path.startsWith('OpeningHours/'));
    return html`<fieldset>
      <legend>Opening hours</legend>
      ${this.renderSwitch(
        draft,
        'OpeningHoursEnabled',
        'Use opening hours',
        on ? 'The topic takes chats on the days and at the hours below; outside them it is closed.' : 'Off: the topic is open at all hours, every day.',
        (event: Event) => this.handleHoursSwitch(event),
      )}
      ${this.renderOpenNow(draft)}
      ${this.shows(on, ...paths)
        ? html`<div class="nested">${this.renderZone(draft)} ${this.renderWeek(draft)} ${this.renderLunch(draft)}</div>`
        : nothing}
    </fieldset>`;
  }

  /** A count of the queue's offer, 0 for never. */
  private renderCount(draft: Draft, path: CountPath, label: string, hint: string) {
    const id = idOf(path);
    return html`<div class="field">
      <label for=${id}>${label}</label>
      <input
        id=${id}
        type="number"
        min="0"
        step="1"
        inputmode="numeric"
        .value=${live(draft[path])}
        aria-invalid=${this.invalid(path)}
        aria-describedby=${this.describedBy(path, true)}
        @input=${(event: Event) => this.handleCount(path, event)}
      />
      <p class="hint" id="${id}-hint">${hint}</p>
      ${this.renderError(path)}
    </div>`;
  }

  private renderOffline(draft: Draft) {
    const fieldsHint = `${idOf('offline')}-hint`;
    return html`<fieldset>
      <legend>When nobody can answer</legend>
      <p class="hint">When the topic is closed or nobody who may answer is there, the widget offers a form to leave a message instead of a chat.</p>
      ${offlineTexts.map((field) => this.renderText(draft, field))}
      <fieldset class="offline-fields" aria-describedby="${fieldsHint}${this.errors.has('offline') ? ` ${idOf('offline')}-error` : ''}">
        <legend>The offline form requires</legend>
        <div class="choices-inline">
          ${offlineFields.map(([name, label]) => {
            const id = idOf(`offline-${name}`);
            return html`<div class="check">
              <input
                id=${id}
                type="checkbox"
                .checked=${live((draft.offline & ChatTopicRequiredFields[name]) !== 0)}
                @change=${(event: Event) => this.handleOfflineField(name, event)}
              />
              <label for=${id}>${label}</label>
            </div>`;
          })}
        </div>
        <p class="hint" id=${fieldsHint}>What the visitor must fill in to leave a message. A reply goes by email: keep Email unless you answer another way.</p>
        ${this.renderError('offline')}
      </fieldset>
      ${this.renderSwitch(draft, 'OfflineCollectConsent', 'Ask for consent on the offline form', 'The visitor agrees to the consent text (under Consent) before leaving a message.')}
      ${this.renderSwitch(
        draft,
        'UseQueueOfflineForm',
        'Offer to leave a message from the queue',
        'A visitor who waits is offered to leave a message instead, once either of these is reached.',
      )}
      ${this.shows(draft.UseQueueOfflineForm, 'OfflineFormTimeLimit', 'OfflineFormQueueLength')
        ? html`<div class="nested">
            ${this.renderCount(draft, 'OfflineFormTimeLimit', 'After this many minutes in the queue', '0: never, however long the wait.')}
            ${this.renderCount(draft, 'OfflineFormQueueLength', 'When more than this many visitors are waiting', '0: never, however many wait.')}
          </div>`
        : nothing}
    </fieldset>`;
  }

  private renderQueue(draft: Draft) {
    const on = draft.CustomQueueTextEnabled;
    const example = draft.CustomQueueText.trim().replaceAll('{cque}', '3').replaceAll('{cavw}', '00:04');
    return html`<fieldset>
      <legend>Queue text</legend>
      ${this.renderSwitch(
        draft,
        'CustomQueueTextEnabled',
        'Use our own text while the visitor waits',
        'Off: the widget tells the visitor their place in the queue in its own words.',
      )}
      ${this.shows(on, 'CustomQueueText')
        ? html`<div class="nested">
            ${queueTexts.map((field) => this.renderText(draft, field))}
            ${example ? html`<p class="hint">Third in a queue with a four-minute wait, a visitor reads: “${example}”</p>` : nothing}
          </div>`
        : nothing}
    </fieldset>`;
  }

  private renderAfter(draft: Draft) {
    return html`<fieldset>
      <legend>After the chat</legend>
      ${this.renderSwitch(draft, 'Widget/PostFormEnabled', 'Show a form when the chat ends', 'The visitor sees it once the chat has ended.')}
      ${this.shows(draft['Widget/PostFormEnabled'], 'Widget/PostFormHeader', 'Widget/PostFormMessage')
        ? html`<div class="nested">${postFormTexts.map((field) => this.renderText(draft, field))}</div>`
        : nothing}
      ${this.renderSwitch(draft, 'WidgetEnableRating', 'Ask the visitor to rate the chat', 'The visitor is asked once the chat has ended.')}
      ${this.shows(draft.WidgetEnableRating, 'WidgetRatingText')
        ? html`<div class="nested">${ratingTexts.map((field) => this.renderText(draft, field))}</div>`
        : nothing}
      ${this.renderSwitch(draft, 'Widget/PostTranscriptEnabled', 'Offer the visitor a transcript of the chat', 'The visitor may keep a copy of the conversation once it has ended.')}
    </fieldset>`;
  }

  override render() {
    if (this.loadError) return html`<p class="alert" role="alert">${this.loadError}</p>`;
    const draft = this.draft;
    if (!draft) return html`<p class="muted" role="status">Loading the settings…</p>`;
    const errorList = [...this.errors.entries()];
    return html`<form @submit=${this.handleSubmit} novalidate aria-labelledby="settings-heading">
      <div class="head">
      <h3 id="settings-heading">Settings of ${this.topic?.Name || `topic ${this.topicId}`}</h3>
      <div role="alert">
        ${this.alert
          ? html`<div class="alert" tabindex="-1">
              ${this.alert}
              ${errorList.length > 0
                ? html`<ul>
                    ${errorList.map(
                      ([path, message]) =>
                        html`<li><button type="button" class="link" @click=${() => this.handleJump(path)}>${labels.get(path) ?? path}</button>: ${message}</li>`,
                    )}
                  </ul>`
                : nothing}
            </div>`
          : nothing}
      </div>
      </div>
      <fieldset>
        <legend>Topic</legend>
        ${topicTexts.map((field) => this.renderText(draft, field))} ${this.renderLanguage(draft)}
      </fieldset>
      <fieldset>
        <legend>Widget</legend>
        ${widgetTexts.map((field) => this.renderText(draft, field))} ${this.renderColour(draft)}
      </fieldset>
      ${this.renderFormFields(draft)}
      <fieldset>
        <legend>Consent</legend>
        ${this.renderSwitch(draft, 'CollectConsent', 'Ask for the visitor’s consent before the chat starts', 'The visitor must agree that their details are stored for the chat.')}
        ${consentTexts.map((field) => this.renderText(draft, field))}
      </fieldset>
      ${this.renderHours(draft)} ${this.renderOffline(draft)} ${this.renderQueue(draft)} ${this.renderAfter(draft)}
      <fieldset>
        <legend>Where the widget may be used</legend>
        ${this.renderOrigins(draft)}
      </fieldset>
      <div class="actions sticky">
        <button class="primary" aria-disabled=${this.busy ? 'true' : 'false'}>${this.busy ? 'Saving…' : 'Save settings'}</button>
        <button type="button" ?disabled=${!this.dirty} aria-disabled=${this.busy ? 'true' : 'false'} @click=${this.handleReset}>Undo changes</button>
        <p class="saved" role="status">${this.saved}</p>
        ${this.dirty && !this.busy ? html`<span class="muted">Changes not saved yet.</span>` : nothing}
      </div>
    </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'console-topic-settings': ConsoleTopicSettings;
  }
  interface GlobalEventHandlersEventMap {
    'console-topic-saved': CustomEvent<ChatTopic>;
  }
}
