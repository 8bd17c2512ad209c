import { Hono } from 'hono';
import {
  DEFAULT_HIDDEN_FIELDS,
  formatRequiredFields,
  formatWidgetFields,
  hasBadCharacters,
  parseRequiredFields,
  parseWidgetFields,
  type ChatTopicEntity,
  type ChatTopicWidgetInfo,
  type FieldError,
  type FieldErrorCode,
} from '@chatline/shared';
import { requireAgent } from '../auth.ts';
import { readEntityBody } from '../body.ts';
import type { ApiEnv } from '../env.ts';
import { ApiError, notFound, validationFailed } from '../errors.ts';
import { sendJson } from '../respond.ts';
import type { ChatStore, TopicFields, TopicRow } from '../store.ts';

export function toTopicWidgetInfo(row: TopicRow): ChatTopicWidgetInfo {
  return {
    ChatTopicId: row.id,
    Name: row.name,
    WelcomeMessage: row.welcome_message,
    Language: row.language,
    CollectConsent: row.collect_consent === 1,
    Widget: {
      RequiredFields: formatRequiredFields(row.widget_required_fields),
      HiddenFields: formatWidgetFields(row.widget_hidden_fields),
      WelcomeTitle: row.widget_welcome_title,
      WelcomeMessage: row.widget_welcome_message,
      Color: row.widget_color,
      ConsentText: row.widget_consent_text,
      PrivacyPolicyUrl: row.widget_privacy_policy_url,
    },
  };
}

export function toTopicEntity(row: TopicRow): ChatTopicEntity {
  return {
    ...toTopicWidgetInfo(row),
    Description: row.description,
    AllowedOrigins: row.allowed_origins.split(/\s+/).filter(Boolean),
  };
}

const defaultTopic: TopicFields = {
  name: '',
  collect_consent: 1,
  allowed_origins: '',
  description: '',
  welcome_message: '',
  language: '',
  widget_required_fields: 0,
  widget_hidden_fields: DEFAULT_HIDDEN_FIELDS,
  widget_welcome_title: '',
  widget_welcome_message: '',
  widget_color: '',
  widget_consent_text: '',
  widget_privacy_policy_url: '',
};

const messages: Record<FieldErrorCode, string> = {
  type: 'has the wrong type or form',
  too_long: 'is too long',
  characters: 'has control characters or broken characters',
  required: 'is required',
  email: '',
  phone: '',
  consent: '',
  unknown_topic: '',
  unknown_associate: '',
  ambiguous: 'is given more than once',
  not_allowed: '',
};

/** Member `name` of an object in any case, as the WebAPI matches them. */
function member(object: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(object).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : object[key];
}

const LANGUAGE = /^([a-z]{2,3}(-[a-z0-9]{2,8})*)?$/i;
const COLOR = /^(#[0-9a-f]{6})?$/i;

function origin(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    const url = new URL(text);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === text.replace(/\/$/, '') ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

function httpUrl(text: string): boolean {
  if (text === '') return true;
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** A topic body (SuperOffice names in any case, `Widget` nested) over `base`, or a 400. */
function readTopic(body: Record<string, unknown>, base: TopicFields): TopicFields {
  const topic = { ...base };
  const errors: FieldError[] = [];
  const fail = (field: string, code: FieldErrorCode) =>
    errors.push({ Field: field, Code: code, Message: `${field} ${messages[code]}.` });

  const text = (field: string, value: unknown, max: number, check?: (s: string) => boolean): string | undefined => {
    if (value === undefined) return undefined;
    if (value === null) return '';
    if (typeof value !== 'string') return void fail(field, 'type');
    const trimmed = value.trim();
    if (hasBadCharacters(trimmed)) return void fail(field, 'characters');
    if (trimmed.length > max) return void fail(field, 'too_long');
    if (check && !check(trimmed)) return void fail(field, 'type');
    return trimmed;
  };
  const set = <K extends keyof TopicFields>(key: K, value: TopicFields[K] | undefined) => {
    if (value !== undefined) topic[key] = value;
  };

  set('name', text('Name', member(body, 'Name'), 50));
  set('description', text('Description', member(body, 'Description'), 255));
  set('welcome_message', text('WelcomeMessage', member(body, 'WelcomeMessage'), 1024));
  set('language', text('Language', member(body, 'Language'), 16, (s) => LANGUAGE.test(s)));
  const consent = member(body, 'CollectConsent');
  if (consent !== undefined && consent !== null) {
    if (typeof consent === 'boolean') topic.collect_consent = consent ? 1 : 0;
    else fail('CollectConsent', 'type');
  }
  const origins = member(body, 'AllowedOrigins');
  if (origins !== undefined && origins !== null) {
    const list = Array.isArray(origins) ? origins.map(origin) : [undefined];
    if (list.some((o) => o === undefined) || list.length > 50) fail('AllowedOrigins', 'type');
    else topic.allowed_origins = [...new Set(list)].join(' ');
  }

  const widget = member(body, 'Widget');
  if (widget !== undefined && widget !== null) {
    if (typeof widget !== 'object' || Array.isArray(widget)) fail('Widget', 'type');
    else {
      const w = widget as Record<string, unknown>;
      const required = member(w, 'RequiredFields');
      if (required !== undefined && required !== null) {
        const mask = parseRequiredFields(required);
        if (mask === undefined) fail('Widget/RequiredFields', 'type');
        else topic.widget_required_fields = mask;
      }
      const hidden = member(w, 'HiddenFields');
      if (hidden !== undefined && hidden !== null) {
        const mask = parseWidgetFields(hidden);
        if (mask === undefined) fail('Widget/HiddenFields', 'type');
        else topic.widget_hidden_fields = mask;
      }
      set('widget_welcome_title', text('Widget/WelcomeTitle', member(w, 'WelcomeTitle'), 100));
      set('widget_welcome_message', text('Widget/WelcomeMessage', member(w, 'WelcomeMessage'), 1024));
      set('widget_color', text('Widget/Color', member(w, 'Color'), 7, (s) => COLOR.test(s))?.toLowerCase());
      set('widget_consent_text', text('Widget/ConsentText', member(w, 'ConsentText'), 1024));
      set('widget_privacy_policy_url', text('Widget/PrivacyPolicyUrl', member(w, 'PrivacyPolicyUrl'), 2048, httpUrl));
    }
  }
  if (topic.name === '') fail('Name', 'required');
  if (errors.length > 0) throw validationFailed(errors);
  return topic;
}

function topicOr404(store: ChatStore, id: number): TopicRow {
  const row = Number.isSafeInteger(id) ? store.getTopic(id) : null;
  if (!row) throw notFound('topicNotFound', id);
  return row;
}

/**
 * `/api/v1/ChatTopic`: agents manage topics; `GET /{id}/widget` is public and has only what
 * a widget shows, for any page allowed to use the topic.
 */
export function chatTopicRoutes({ store }: { store: ChatStore }) {
  return new Hono<ApiEnv>()
    .get('/:id{[0-9]+}/widget', (c) => {
      const row = topicOr404(store, Number(c.req.param('id')));
      c.header('Cache-Control', 'public, max-age=60');
      return sendJson(c, toTopicWidgetInfo(row));
    })
    .get('/', (c) => {
      requireAgent(c.get('caller'));
      return sendJson(c, store.listTopics().map(toTopicEntity));
    })
    .post('/', async (c) => {
      requireAgent(c.get('caller'));
      const body = await readEntityBody(c, () => ({}));
      return sendJson(c, toTopicEntity(store.createTopic(readTopic(body, defaultTopic))));
    })
    .get('/:id{[0-9]+}', (c) => {
      requireAgent(c.get('caller'));
      return sendJson(c, toTopicEntity(topicOr404(store, Number(c.req.param('id')))));
    })
    .put('/:id{[0-9]+}', async (c) => {
      requireAgent(c.get('caller'));
      const current = topicOr404(store, Number(c.req.param('id')));
      const body = await readEntityBody(c, () => ({}));
      // PUT replaces: what the body leaves out takes its default.
      return sendJson(c, toTopicEntity(store.updateTopic(current.id, readTopic(body, defaultTopic))!));
    })
    .delete('/:id{[0-9]+}', (c) => {
      requireAgent(c.get('caller'));
      const id = Number(c.req.param('id'));
      const result = store.deleteTopic(id);
      if (result === 'missing') throw notFound('topicNotFound', id);
      if (result === 'in_use') throw new ApiError(409, 'SoConflictException', { key: 'topicInUse', args: [id] });
      return c.body(null, 204);
    });
}
