/**
 * Member names match in any case, as the WebAPI binds them: SuperOffice's TypeScript client
 * sends camelCase, its documentation shows PascalCase, and query parameters differ by method.
 */

/** The key of `object`'s own member named `name` in any case: its exact key, or undefined. */
export function memberKey(object: object, name: string): string | undefined {
  if (Object.hasOwn(object, name)) return name;
  const lower = name.toLowerCase();
  for (const key of Object.keys(object)) if (key.toLowerCase() === lower) return key;
  return undefined;
}

/** The value of `object`'s own member named `name` in any case, or undefined. */
export function member(object: Readonly<Record<string, unknown>>, name: string): unknown {
  const key = memberKey(object, name);
  return key === undefined ? undefined : object[key];
}
