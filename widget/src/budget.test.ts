/**
 * The widget's weight is a feature: the built bundle, Lit included, must stay within 15 kB
 * gzip. Runs in vitest after `npm run build` (npm test builds first).
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const BUDGET_BYTES = 15_000;

describe('the widget bundle', () => {
  it(`is at most ${BUDGET_BYTES / 1000} kB gzip`, () => {
    const bundle = readFileSync(new URL('../../dist/public/chat-widget.js', import.meta.url));
    const size = gzipSync(bundle, { level: 9 }).byteLength;
    expect(size, `dist/public/chat-widget.js is ${size} bytes gzip`).toBeLessThanOrEqual(BUDGET_BYTES);
    // One module: no chunks to fetch after it.
    expect(bundle.toString()).not.toMatch(/\bimport\s*\(|^import\s/m);
  });
});
