import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { fieldByName, fieldErrorMessage, type ApiErrorBody, type FieldError, type FieldProblem } from '@chatline/shared';
import { fieldCatalogs, render, type Language, type Message, type MessageKey } from './i18n.ts';
import type { Catalog } from './messages/en.ts';

/**
 * An error answered to the caller in the one error shape, in the caller's language. Thrown at
 * the boundary where the problem is found; `app.onError` writes it.
 */
export class ApiError extends HTTPException {
  readonly errorType: string;
  readonly text: Message;
  /** Problems with ChatSession fields are worded in the caller's language; others carry their Message. */
  readonly fieldErrors: ReportedField[] | undefined;

  constructor(status: ContentfulStatusCode, errorType: string, text: Message, fieldErrors?: ReportedField[]) {
    super(status, { message: render(text) });
    this.errorType = errorType;
    this.text = text;
    this.fieldErrors = fieldErrors;
  }
}

type ReportedField = FieldProblem | FieldError;

type Args<K extends MessageKey> = Parameters<Catalog[K]>;

const factory =
  (status: ContentfulStatusCode, errorType: string) =>
  <K extends MessageKey>(key: K, ...args: Args<K>) =>
    new ApiError(status, errorType, { key, args } as Message);

export const badRequest = factory(400, 'SoBadRequestException');
export const unauthorized = factory(401, 'SoUnauthorizedException');
export const notFound = factory(404, 'SoNotFoundException');
export const notAcceptable = factory(406, 'SoNotAcceptableException');
export const conflict = factory(409, 'SoConflictException');
export const preconditionFailed = factory(412, 'SoPreconditionFailedException');
export const unsupportedMediaType = factory(415, 'SoUnsupportedMediaTypeException');
export const tooManyRequests = factory(429, 'SoTooManyRequestsException');

export const validationFailed = (errors: ReportedField[]) =>
  new ApiError(
    400,
    'SoValidationException',
    { key: 'fieldsInvalid', args: [errors.length] },
    errors,
  );

export const forbidden = <K extends MessageKey>(fieldErrors: ReportedField[] | undefined, key: K, ...args: Args<K>) =>
  new ApiError(403, 'SoAccessDeniedException', { key, args } as Message, fieldErrors);

export const payloadTooLarge = (limit: number) =>
  new ApiError(413, 'SoPayloadTooLargeException', { key: 'bodyTooLarge', args: [limit] });

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

function localizeFieldError(error: ReportedField, language: Language): FieldError {
  const spec = fieldByName(error.Field);
  const message = spec ? fieldErrorMessage(spec, error.Code, fieldCatalogs[language]) : (error as FieldError).Message;
  return { Field: error.Field, Code: error.Code, Message: message };
}

export function errorBody(error: HTTPException, source: string, language: Language, requestId?: string): ApiErrorBody {
  const fieldErrors = error instanceof ApiError ? error.fieldErrors?.map((e) => localizeFieldError(e, language)) : undefined;
  // A validation error about one field says what is wrong with it.
  const message =
    error instanceof ApiError
      ? fieldErrors?.length === 1 && error.errorType === 'SoValidationException'
        ? fieldErrors[0]!.Message
        : render(error.text, language)
      : error.message || 'The request was refused.';
  const body: ApiErrorBody = {
    Error: true,
    ErrorType: error instanceof ApiError ? error.errorType : (typeByStatus[error.status] ?? 'SoException'),
    ErrorMessage: message,
    ErrorSource: source,
  };
  if (fieldErrors) body.FieldErrors = fieldErrors;
  if (requestId) body.RequestId = requestId;
  return body;
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
