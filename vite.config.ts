import { readdirSync } from 'node:fs';
import { defineConfig } from 'vite';

/** Each language but the bundled English is its own entry: widget/src/locales/de.ts → locales/de.js. */
const languages = Object.fromEntries(
  readdirSync('widget/src/locales')
    .filter((file) => file.endsWith('.ts') && file !== 'en.ts')
    .map((file) => [`locales/${file.slice(0, -3)}`, `widget/src/locales/${file}`]),
);

/**
 * `npm run build`: the widget as one minified ES module, Lit included, at dist/public/chat-widget.js,
 * with one small module per language beside it (locales/de.js, …), and the demo site
 * (demo/public) copied beside them. The server serves both from dist/public.
 */
export default defineConfig({
  publicDir: 'demo/public',
  // Lit's production build whatever NODE_ENV says: its dev mode adds a third to the bundle.
  resolve: { conditions: ['module', 'browser', 'production'] },
  build: {
    outDir: 'dist/public',
    emptyOutDir: true,
    target: 'es2022',
    // A non-library build minifies whitespace too; the entry keeps its exports.
    rolldownOptions: {
      input: { 'chat-widget': 'widget/src/index.ts', ...languages },
      preserveEntrySignatures: 'exports-only',
      // Reading a property of our own plain objects has no side effect: the field tables that
      // refer to the widget's few field specs are left out with them.
      treeshake: { propertyReadSideEffects: false },
      output: { entryFileNames: '[name].js', chunkFileNames: '[name].js' },
    },
  },
});
