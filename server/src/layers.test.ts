/**
 * The layers of the server, as the README draws them: each imports only the layers below it,
 * and the rules and the stores never import the web framework.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('.', import.meta.url));

/** From the bottom up; a file may import its own layer and those before it. */
const layers = ['store', 'chat', 'http', 'middleware', 'routes', '.'] as const;

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) yield path;
  }
}

const layerOf = (file: string) => {
  const top = relative(src, file).split(sep)[0]!;
  return (layers as readonly string[]).includes(top) ? top : '.';
};

const imports = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((match) => match[1]!);

const files = [...sources(src)].filter((file) => !relative(src, file).startsWith('testing'));

describe('the layers of server/src', () => {
  it('has files in every layer', () => {
    expect(new Set(files.map(layerOf))).toEqual(new Set(layers));
  });

  it.each(files.map((file) => [relative(src, file), file]))('%s imports nothing from a layer above its own', (_, file) => {
    const own = layers.indexOf(layerOf(file) as (typeof layers)[number]);
    const above = imports(file)
      .filter((target) => target.startsWith('.'))
      .map((target) => join(file, '..', target))
      .filter((target) => layers.indexOf(layerOf(target) as (typeof layers)[number]) > own);
    expect(above).toEqual([]);
  });

  it('keeps Hono out of the rules and the stores, and the rules to the store interface', () => {
    for (const file of files.filter((path) => ['chat', 'store'].includes(layerOf(path)))) {
      const targets = imports(file);
      expect(targets.filter((target) => /^(hono|@hono\/)/.test(target)), relative(src, file)).toEqual([]);
      if (layerOf(file) === 'chat') {
        const store = targets.filter((target) => target.includes('store/')).map((target) => relative(src, join(file, '..', target)));
        expect(store.every((target) => target === join('store', 'types.ts')), relative(src, file)).toBe(true);
      }
    }
  });
});
