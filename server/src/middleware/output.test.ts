import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { chatSession } from '@chatline/shared';
import type { ApiEnv } from '../http/context.ts';
import { responseFormat } from './output.ts';

/** A resource that answers the format its middleware chose. */
function resource(options: Parameters<typeof responseFormat>[0]) {
  return new Hono<ApiEnv>()
    .use(responseFormat(options))
    .get('/', (c) => c.json({ format: c.get('output').format, contentType: c.get('output').contentType }))
    .onError((error, c) => c.json({ error: (error as { status?: number }).status }, 400));
}

describe('the response format of a resource', () => {
  it('takes Server-Sent Events where a stream lives, and refuses them elsewhere', async () => {
    const stream = await (await resource({ events: true }).request('/', { headers: { Accept: 'text/event-stream' } })).json();
    expect(stream).toEqual({ format: 'event-stream', contentType: 'text/event-stream; charset=utf-8' });
    const plain = await (await resource({ entity: chatSession }).request('/', { headers: { Accept: 'text/event-stream' } })).json();
    expect(plain).toEqual({ error: 406 });
  });

  it('offers XML only where the resource has an XML form', async () => {
    const entity = (await (await resource({ entity: chatSession }).request('/', { headers: { Accept: 'application/xml' } })).json()) as { format: string };
    expect(entity.format).toBe('xml');
    const plain = await (await resource({}).request('/', { headers: { Accept: 'application/xml' } })).json();
    expect(plain).toEqual({ error: 406 });
    const either = (await (await resource({}).request('/', { headers: { Accept: 'application/xml, application/json;q=0.5' } })).json()) as { format: string };
    expect(either.format).toBe('json');
  });
});
