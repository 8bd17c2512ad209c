/**
 * A message's text as Lit renders it: text nodes, never HTML, with its http, https and mailto
 * addresses as links that open apart from the page. Any other scheme (`javascript:`, `data:`)
 * stays text, as does anything that looks like markup.
 */
import { html, type TemplateResult } from 'lit';

/** An address from its scheme to the next space, quote or angle bracket. */
const addresses = /\b(?:https?:\/\/|mailto:)[^\s<>"]+/gi;

/** The schemes that become links; the URL parser has the last word on what a link's scheme is. */
const linkSchemes = ['http:', 'https:', 'mailto:'];

/** What ends a sentence after an address is not part of it; a closing bracket only when the address opened one. */
function trimEnd(address: string): string {
  for (;;) {
    const last = address.at(-1) ?? '';
    if (/[.,;:!?'*]/.test(last)) address = address.slice(0, -1);
    else if (last === ')' && address.split('(').length < address.split(')').length) address = address.slice(0, -1);
    else return address;
  }
}

export function linkify(text: string): (string | TemplateResult)[] {
  const parts: (string | TemplateResult)[] = [];
  let from = 0;
  for (const match of text.matchAll(addresses)) {
    const address = trimEnd(match[0]);
    let href = '';
    try {
      const url = new URL(address);
      if (linkSchemes.includes(url.protocol)) href = url.href;
    } catch {
      // not an address after all: it stays text
    }
    if (!href) continue;
    parts.push(text.slice(from, match.index), html`<a href=${href} target="_blank" rel="noopener noreferrer">${address}</a>`);
    from = match.index + address.length;
  }
  parts.push(text.slice(from));
  return parts;
}
