import { defineConfig } from 'vite';

/**
 * `npm run build`: the widget as one minified ES module, Lit included, at dist/public/chat-widget.js,
 * and the demo site (demo/public) copied beside it. The server serves both from dist/public.
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
      input: { 'chat-widget': 'widget/src/index.ts' },
      preserveEntrySignatures: 'exports-only',
      output: { entryFileNames: '[name].js', chunkFileNames: '[name].js' },
    },
  },
});
