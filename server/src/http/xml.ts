/**
 * The XML form of an entity, as the WebAPI reads and writes it: the carrier's type name as the
 * root, PascalCase child elements in the field table's order, `i:nil="true"` for null.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ApiError, badRequest } from './errors.ts';

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const SERVICES88 = 'http://www.superoffice.net/ws/crm/NetServer/Services88';
const MAX_DEPTH = 16;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

type Node = string | { [key: string]: Node | Node[] };

/**
 * Element content to a plain value: text stays text, `i:nil` is null, children become an
 * object, and an element repeated among its siblings a list (`<string>` items of an array).
 */
function toValue(node: Node | Node[], depth: number): unknown {
  if (depth > MAX_DEPTH) throw badRequest('xmlTooDeep', MAX_DEPTH);
  if (Array.isArray(node)) return node.map((item) => toValue(item, depth + 1));
  if (typeof node === 'string') return node;
  if (node['@nil'] === 'true') return null;
  const result: Record<string, unknown> = {};
  let hasChildren = false;
  for (const [name, child] of Object.entries(node)) {
    if (name.startsWith('@')) continue;
    if (name === '#text') {
      if (typeof child === 'string' && child.trim() !== '') return child;
      continue;
    }
    hasChildren = true;
    Object.defineProperty(result, name, { value: toValue(child, depth + 1), enumerable: true, writable: true });
  }
  return hasChildren ? result : '';
}

/**
 * An XML body as an object with string leaves. Refuses any DOCTYPE outright: entity
 * declarations are how "billion laughs" and external-entity attacks get in, and an entity
 * never needs one.
 */
export function parseXmlEntity(text: string, rootName: string): Record<string, unknown> {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) {
    throw badRequest('xmlDoctype');
  }
  let document: Record<string, Node>;
  try {
    const valid = XMLValidator.validate(text);
    if (valid !== true) throw badRequest('xmlMalformed', valid.err.msg);
    document = parser.parse(text) as Record<string, Node>;
  } catch (error) {
    // The parser's own limits (its nesting depth, say) throw plain errors: still bad input.
    if (error instanceof Error && !(error instanceof ApiError)) throw badRequest('xmlMalformed', error.message.slice(0, 200));
    throw error;
  }
  const roots = Object.keys(document).filter((name) => !name.startsWith('?') && !name.startsWith('#'));
  if (roots.length !== 1 || roots[0] !== rootName) {
    throw badRequest('xmlRoot', rootName);
  }
  const value = toValue(document[rootName]!, 1);
  if (typeof value !== 'object' || value === null) return {};
  return value as Record<string, unknown>;
}

const escapeText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function element(name: string, value: unknown, indent: string): string {
  if (value === null || value === undefined) return `${indent}<${name} i:nil="true" />`;
  if (Array.isArray(value)) {
    // As .NET writes a string[]: one <string> per item.
    const items = value.map((item) => element(typeof item === 'object' && item !== null ? 'item' : 'string', item, `${indent}  `));
    return items.length === 0 ? `${indent}<${name} />` : `${indent}<${name}>\n${items.join('\n')}\n${indent}</${name}>`;
  }
  if (typeof value === 'object') {
    const children = Object.entries(value as Record<string, unknown>)
      .filter(([key]) => /^[A-Za-z_][\w.-]*$/.test(key))
      .map(([key, child]) => element(key, child, `${indent}  `));
    return children.length === 0
      ? `${indent}<${name} />`
      : `${indent}<${name}>\n${children.join('\n')}\n${indent}</${name}>`;
  }
  return `${indent}<${name}>${escapeText(String(value))}</${name}>`;
}

const document = (rootName: string, children: string[]) =>
  `<?xml version="1.0" encoding="utf-8"?>\n` +
  `<${rootName} xmlns="${SERVICES88}" xmlns:i="${XSI}">\n${children.join('\n')}\n</${rootName}>\n`;

/** The entity as XML, its members in their order (the field table's). */
export function toXml(rootName: string, entity: Record<string, unknown>): string {
  return document(rootName, Object.entries(entity).map(([key, value]) => element(key, value, '  ')));
}

/** A list of entities as XML, as the WebAPI writes one: `<ArrayOfChatTopicEntity>` of `<ChatTopicEntity>`. */
export function toXmlList(itemName: string, items: readonly Record<string, unknown>[]): string {
  return document(`ArrayOf${itemName}`, items.map((item) => element(itemName, item, '  ')));
}
