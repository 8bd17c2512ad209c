import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ApiErrorBody, FieldError } from '@chatline/shared';

/**
 * An error answered to the caller in the one error shape. Thrown at the boundary where the
 * problem is found; `app.onError` writes it.
 */
export class ApiError extends HTTPException {
  readonly errorType: string;
  readonly fieldErrors: FieldError[] | undefined;

  constructor(status: ContentfulStatusCode, errorType: string, message: string, fieldErrors?: FieldError[]) {
    super(status, { message });
    this.errorType = errorType;
    this.fieldErrors = fieldErrors;
  }
}

export const badRequest = (message: string) => new ApiError(400, 'SoBadRequestException', message);

export const validationFailed = (errors: FieldError[]) =>
  new ApiError(
    400,
    'SoValidationException',
    errors.length === 1 ? errors[0]!.Message : `${errors.length} fields are not valid.`,
    errors,
  );

export const forbidden = (message: string, errors?: FieldError[]) =>
  new ApiError(403, 'SoAccessDeniedException', message, errors);

export const notFound = (message: string) => new ApiError(404, 'SoNotFoundException', message);

export const payloadTooLarge = (limit: number) =>
  new ApiError(413, 'SoPayloadTooLargeException', `The request body is larger than ${limit} bytes.`);

export const unsupportedMediaType = (message: string) =>
  new ApiError(415, 'SoUnsupportedMediaTypeException', message);

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

export function errorBody(error: HTTPException, source: string): ApiErrorBody {
  const body: ApiErrorBody = {
    Error: true,
    ErrorType: error instanceof ApiError ? error.errorType : (typeByStatus[error.status] ?? 'SoException'),
    ErrorMessage: error.message || 'The request was refused.',
    ErrorSource: source,
  };
  if (error instanceof ApiError && error.fieldErrors) body.FieldErrors = error.fieldErrors;
  return body;
}

export function internalErrorBody(source: string): ApiErrorBody {
  return {
    Error: true,
    ErrorType: 'SoServerException',
    ErrorMessage: 'Something went wrong on the server. The request was not completed.',
    ErrorSource: source,
  };
}
