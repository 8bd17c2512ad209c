import type { Caller } from './auth.ts';
import type { Output } from './respond.ts';

/** What the API's middleware leaves for the routes: who calls, and how to answer. */
export type ApiEnv = { Variables: { caller: Caller; output: Output; requestId: string; crossOrigin: string | null } };
