/**
 * custom-elements.json, generated from the component's JSDoc by `npm run build`, tells editors
 * and frameworks the element's whole public surface.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

type Named = { name: string };
type Declaration = {
  tagName: string;
  attributes: Named[];
  events: Named[];
  cssParts: Named[];
  cssProperties: Named[];
  members: (Named & { kind: string; privacy?: string })[];
};

describe('custom-elements.json', () => {
  it('describes <chat-widget>: attributes, methods, events, parts and custom properties', () => {
    const manifest = JSON.parse(readFileSync(new URL('../custom-elements.json', import.meta.url), 'utf8'));
    const element = manifest.modules
      .flatMap((module: { declarations: Declaration[] }) => module.declarations)
      .find((declaration: Declaration) => declaration.tagName === 'chat-widget') as Declaration;
    const names = (list: Named[]) => list.map((item) => item.name);
    expect(names(element.attributes)).toEqual(
      expect.arrayContaining(['topic-id', 'server-url', 'lang', 'persist', 'customer-name', 'customer-email', 'customer-phone', 'customer-alias']),
    );
    expect(names(element.events).sort()).toEqual(['chat-close', 'chat-ended', 'chat-error', 'chat-message', 'chat-open', 'chat-request-sent', 'chat-session-created']);
    expect(names(element.cssParts)).toEqual(
      expect.arrayContaining(['launcher', 'panel', 'form', 'field', 'submit', 'close', 'composer', 'send', 'end']),
    );
    expect(names(element.cssProperties)).toEqual(
      expect.arrayContaining([
        '--chat-accent',
        '--chat-accent-text',
        '--chat-text',
        '--chat-background',
        '--chat-font',
        '--chat-radius',
        '--chat-focus',
        '--chat-inset-inline-end',
        '--chat-inset-inline-start',
        '--chat-inset-block-end',
        '--chat-bubble',
      ]),
    );
    const publicMethods = element.members.filter((member) => member.kind === 'method' && !member.privacy).map((member) => member.name);
    expect(publicMethods.sort()).toEqual(['close', 'open', 'prefill', 'toggle']);
  });
});
