/**
 * JSON Patch (RFC 6902: add, replace, remove, test) and JSON Merge Patch (RFC 7396) applied to
 * an entity. As the WebAPI does, member names match in any case and a path's leading slash is
 * optional. The entity keeps its shape: removing one of its own fields sets it to null.
 */
import { isDeepStrictEqual } from 'node:util';
import { memberKey } from '@chatline/shared';
import { badRequest, conflict } from './errors.ts';

type Json = unknown;
type JsonObject = Record<string, Json>;

export const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const isObject = (value: Json): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The member of `object` named `name` in any case: its exact key, or undefined. Names that
 * reach the prototype chain are refused outright, so a patch can never walk into it.
 */
function findKey(object: JsonObject, name: string): string | undefined {
  if (FORBIDDEN_KEYS.has(name)) throw badRequest('forbiddenMember', name);
  return memberKey(object, name);
}

function setMember(object: JsonObject, key: string, value: Json) {
  if (FORBIDDEN_KEYS.has(key)) throw badRequest('forbiddenMember', key);
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

function parsePath(path: unknown): string[] {
  if (typeof path !== 'string') throw badRequest('patchPath');
  const trimmed = path.startsWith('/') ? path.slice(1) : path;
  if (trimmed === '') throw badRequest('patchWhole');
  return trimmed.split('/').map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

type Location = { parent: JsonObject | Json[]; key: string; exists: boolean };

function locate(document: JsonObject, segments: string[], path: string): Location {
  let parent: JsonObject | Json[] = document;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const last = i === segments.length - 1;
    if (Array.isArray(parent)) {
      const index = segment === '-' ? parent.length : Number(segment);
      if (!/^(0|[1-9]\d*|-)$/.test(segment) || index > parent.length) {
        throw badRequest('patchListItem', path);
      }
      if (last) return { parent, key: String(index), exists: index < parent.length };
      const next: Json = parent[index];
      if (!isObject(next) && !Array.isArray(next)) throw badRequest('patchNoPath', path);
      parent = next;
    } else {
      const key = findKey(parent, segment) ?? segment;
      if (last) return { parent, key, exists: Object.hasOwn(parent, key) };
      const next: Json = Object.hasOwn(parent, key) ? parent[key] : undefined;
      if (!isObject(next) && !Array.isArray(next)) throw badRequest('patchNoPath', path);
      parent = next;
    }
  }
  throw badRequest('patchNoPath', path);
}

/** Applies the operations to a copy of `document`; a failed `test` is a 409 and nothing applies. */
export function applyJsonPatch(document: JsonObject, operations: Json): JsonObject {
  if (!Array.isArray(operations)) throw badRequest('patchList');
  const result = structuredClone(document);
  const topLevel = new Set(Object.keys(document));
  for (const operation of operations) {
    if (!isObject(operation)) throw badRequest('patchOperation');
    const op = operation.op;
    if (op === 'move' || op === 'copy') {
      throw badRequest('patchMoveCopy', op);
    }
    if (op !== 'add' && op !== 'replace' && op !== 'remove' && op !== 'test') {
      throw badRequest('patchUnknownOp', String(JSON.stringify(op)).slice(0, 40));
    }
    const segments = parsePath(operation.path);
    const path = String(operation.path);
    const target = locate(result, segments, path);
    if ((op === 'add' || op === 'replace' || op === 'test') && !Object.hasOwn(operation, 'value')) {
      throw badRequest('patchNeedsValue', op, path);
    }
    if ((op === 'replace' || op === 'remove' || op === 'test') && !target.exists) {
      throw badRequest('patchNoPath', path);
    }
    const { parent, key } = target;
    if (op === 'test') {
      const actual = Array.isArray(parent) ? parent[Number(key)] : parent[key];
      if (!isDeepStrictEqual(actual, operation.value)) {
        throw conflict('patchTestFailed', path);
      }
    } else if (Array.isArray(parent)) {
      const index = Number(key);
      if (op === 'add') parent.splice(index, 0, operation.value);
      else if (op === 'replace') parent[index] = operation.value;
      else parent.splice(index, 1);
    } else if (op === 'remove') {
      if (parent === result && topLevel.has(key)) result[key] = null;
      else delete parent[key];
    } else {
      setMember(parent, key, operation.value);
    }
  }
  return result;
}

function mergeInto(target: JsonObject, patch: JsonObject, keepKeys: boolean) {
  for (const [name, value] of Object.entries(patch)) {
    const key = findKey(target, name) ?? name;
    if (value === null) {
      // RFC 7396: null removes the member; the entity's own fields become null instead.
      if (keepKeys && Object.hasOwn(target, key)) target[key] = null;
      else delete target[key];
    } else if (isObject(value)) {
      const current = Object.hasOwn(target, key) ? target[key] : undefined;
      const child: JsonObject = isObject(current) ? current : {};
      mergeInto(child, value, false);
      setMember(target, key, child);
    } else {
      setMember(target, key, value);
    }
  }
}

export function applyMergePatch(document: JsonObject, patch: Json): JsonObject {
  if (!isObject(patch)) throw badRequest('mergeNotObject');
  const result = structuredClone(document);
  mergeInto(result, patch, true);
  return result;
}
