/**
 * What the API's middleware leaves in a request's context for the routes and for the writing
 * of answers: who calls, and how to answer. A leaf of types only, so that middleware, routes
 * and http/ can all name it without importing one another.
 */
import type { EntityDescriptor } from '@chatline/shared';
import type { Caller } from '../chat/rights.ts';
import type { RequestOrigin } from '../chat/sign-in.ts';
import type { Language } from './i18n.ts';

export type Format = 'json' | 'xml' | 'event-stream';

/** `$select=customerName,user/associateId` → {customername: true, user: {associateid}}. */
export type Selection = Map<string, Set<string> | true>;

/** How the request wants its answer, read before any work is done. */
export type Output = {
  language: Language;
  format: Format;
  contentType: string;
  /** The entity whose fields `$select` names. */
  entity: EntityDescriptor | null;
  timeZone: string | null;
  select: Selection | null;
};

export type ApiVariables = {
  caller: Caller;
  /** The client's address and the request's id, for the throttle of sign-ins and their record. */
  origin: RequestOrigin;
  output: Output;
  requestId: string;
  /** The page's origin when it is another site's (a CORS request); null otherwise. */
  crossOrigin: string | null;
  /** The most bytes a body may have. */
  bodyLimit: number;
};

export type ApiEnv = { Variables: ApiVariables };
