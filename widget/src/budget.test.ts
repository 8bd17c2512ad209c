/**
 * The widget's weight is a feature: what a visitor's browser fetches, the bundle with Lit and
 * English included plus at most one language module, must stay within 15 kB gzip. Runs in
 * vitest after `npm run build` (npm test builds first).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const BUDGET_BYTES = 15_000;
const dist = new URL('../../dist/public/', import.meta.url);
const gzipSize = (file: URL) => gzipSync(readFileSync(file), { level: 9 }).byteLength;

describe('the widget bundle', () => {
  it(`is at most ${BUDGET_BYTES / 1000} kB gzip with its largest language`, () => {
    const bundle = gzipSize(new URL('chat-widget.js', dist));
    const languages = readdirSync(new URL('locales/', dist)).map((file) => [file, gzipSize(new URL(`locales/${file}`, dist))] as const);
    expect(languages.map(([file]) => file).sort()).toEqual(['ar.js', 'de.js', 'nb.js']);
    const [largest, largestSize] = languages.reduce((a, b) => (b[1] > a[1] ? b : a));
    const total = bundle + largestSize;
    expect(total, `chat-widget.js is ${bundle} bytes gzip, locales/${largest} ${largestSize}`).toBeLessThanOrEqual(BUDGET_BYTES);
  });

  it('is one module that loads nothing else but a language', () => {
    const source = readFileSync(new URL('chat-widget.js', dist), 'utf8');
    expect(source).not.toMatch(/^import\s/m);
    expect(source.match(/\bimport\s*\(/g)).toHaveLength(1);
    for (const file of readdirSync(new URL('locales/', dist))) {
      expect(readFileSync(new URL(`locales/${file}`, dist), 'utf8')).not.toMatch(/\bimport\b/);
    }
  });
});
