/**
 * The one error shape of every 4xx and 5xx answer, as the WebAPI documents it, in the caller's
 * language. HTTP's own refusals (a body it cannot read, an Accept it cannot meet) are thrown as
 * ApiError where they are found; the rules' refusals arrive as ChatError and get their status
 * here. `app.onError` writes both.
 */
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { chatSession, fieldErrorMessage, type ApiErrorBody, type EntityDescriptor, type FieldError, type FieldProblem } from '@chatline/shared';
import { ChatError, type ChatErrorKind } from '../chat/errors.ts';
import { StoreBusyError } from '../store/types.ts';
import { fieldCatalogs, render, type Language, type Message, type MessageKey } from './i18n.ts';
import type { Catalog } from './messages/en.ts';

/** An HTTP-level refusal, answered in the one error shape. */
export class ApiError extends HTTPException {
  readonly errorType: string;
  readonly text: Message;

  constructor(status: ContentfulStatusCode, errorType: string, text: Message) {
    super(status, { message: render(text) });
    this.errorType = errorType;
    this.text = text;
  }
}

type Args<K extends MessageKey> = Parameters<Catalog[K]>;

const factory =
  (status: ContentfulStatusCode, errorType: string) =>
  <K extends MessageKey>(key: K, ...args: Args<K>) =>
    new ApiError(status, errorType, { key, args } as Message);

export const badRequest = factory(400, 'SoBadRequestException');
export const forbiddenRequest = factory(403, 'SoAccessDeniedException');
export const notFoundPath = factory(404, 'SoNotFoundException');
export const notAcceptable = factory(406, 'SoNotAcceptableException');
export const conflict = factory(409, 'SoConflictException');
export const unsupportedMediaType = factory(415, 'SoUnsupportedMediaTypeException');
export const tooManyRequests = factory(429, 'SoTooManyRequestsException');
export const unauthorizedRequest = factory(401, 'SoUnauthorizedException');

export const payloadTooLarge = (limit: number) =>
  new ApiError(413, 'SoPayloadTooLargeException', { key: 'bodyTooLarge', args: [limit] });

/** The status and ErrorType of each kind of refusal of the rules. */
const byKind: Record<ChatErrorKind, [ContentfulStatusCode, string]> = {
  invalid: [400, 'SoBadRequestException'],
  unauthorized: [401, 'SoUnauthorizedException'],
  forbidden: [403, 'SoAccessDeniedException'],
  not_found: [404, 'SoNotFoundException'],
  conflict: [409, 'SoConflictException'],
  changed: [412, 'SoPreconditionFailedException'],
  unavailable: [503, 'SoServiceUnavailableException'],
  too_many: [429, 'SoTooManyRequestsException'],
};

/** Status codes a caller can get without an ApiError, e.g. from Hono itself. */
const typeByStatus: Record<number, string> = {
  400: 'SoBadRequestException',
  401: 'SoUnauthorizedException',
  403: 'SoAccessDeniedException',
  404: 'SoNotFoundException',
  405: 'SoMethodNotAllowedException',
  413: 'SoPayloadTooLargeException',
  415: 'SoUnsupportedMediaTypeException',
};

/** How long a caller told "busy" should wait before it tries again, in seconds. */
export const BUSY_RETRY_AFTER = 1;

export type Answered = { status: ContentfulStatusCode; body: ApiErrorBody; retryAfter?: number };

function wordField(entity: EntityDescriptor, problem: FieldProblem, language: Language): FieldError {
  const spec = entity.fieldAt(problem.Field);
  const message = spec ? fieldErrorMessage(spec, problem.Code, fieldCatalogs[language]) : problem.Code;
  return { Field: problem.Field, Code: problem.Code, Message: message };
}

/**
 * What to answer for an error, or undefined when it is unexpected (a bug: the caller logs it
 * and answers 500). A store that could not get the database in time is a 503 to retry.
 */
export function answerFor(error: unknown, source: string, language: Language, requestId?: string): Answered | undefined {
  const base = (status: ContentfulStatusCode, errorType: string, message: string): Answered => ({
    status,
    body: { Error: true, ErrorType: errorType, ErrorMessage: message, ErrorSource: source, ...(requestId ? { RequestId: requestId } : {}) },
  });
  if (error instanceof ChatError) {
    const [status, type] = byKind[error.kind];
    const fieldErrors = error.fieldProblems?.map((problem) => wordField(error.entity ?? chatSession, problem, language));
    const validation = error.kind === 'invalid' && fieldErrors !== undefined;
    // A validation error about one field says what is wrong with it.
    const message = validation && fieldErrors.length === 1 ? fieldErrors[0]!.Message : render(error.text, language);
    const answered = base(status, validation ? 'SoValidationException' : type, message);
    if (fieldErrors) answered.body.FieldErrors = fieldErrors;
    if (error.kind === 'unavailable') answered.retryAfter = BUSY_RETRY_AFTER;
    if (error.retryAfter !== undefined) answered.retryAfter = error.retryAfter;
    return answered;
  }
  if (error instanceof StoreBusyError) {
    return { ...base(503, 'SoServiceUnavailableException', render({ key: 'busy', args: [] }, language)), retryAfter: BUSY_RETRY_AFTER };
  }
  if (error instanceof ApiError) return base(error.status, error.errorType, render(error.text, language));
  if (error instanceof HTTPException) {
    return base(error.status, typeByStatus[error.status] ?? 'SoException', error.message || 'The request was refused.');
  }
  return undefined;
}

export function internalErrorBody(source: string, language: Language, requestId?: string): ApiErrorBody {
  return {
    Error: true,
    ErrorType: 'SoServerException',
    ErrorMessage: render({ key: 'internal', args: [] }, language),
    ErrorSource: source,
    ...(requestId ? { RequestId: requestId } : {}),
  };
}
