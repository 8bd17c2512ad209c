import { readdirSync } from 'node:fs';
import { transformSync } from 'esbuild';
import { defineConfig, type Plugin } from 'vite';

/** Each language but the bundled English is its own entry: widget/src/locales/de.ts → locales/de.js. */
const languages = Object.fromEntries(
  readdirSync('widget/src/locales')
    .filter((file) => file.endsWith('.ts') && file !== 'en.ts')
    .map((file) => [`locales/${file.slice(0, -3)}`, `widget/src/locales/${file}`]),
);

/**
 * Lit's `css` templates are strings to the minifier, so their comments and indentation would
 * ship as written: the widget's stylesheets (`*.styles.ts`) are minified as CSS instead.
 */
function minifyLitCss(): Plugin {
  return {
    name: 'minify-lit-css',
    transform(code, id) {
      if (!id.endsWith('.styles.ts')) return null;
      return code.replace(/\bcss`([^`]*)`/g, (_template, text: string) => {
        // Interpolations and escapes would need a template parser; the stylesheets have neither.
        if (text.includes('${') || text.includes('\\')) throw new Error(`${id}: a css template with \${} or \\ is not minified`);
        return `css\`${transformSync(text, { loader: 'css', minify: true }).code.trim()}\``;
      });
    },
  };
}

/**
 * `npm run build`: the widget as one minified ES module, Lit included, at dist/public/chat-widget.js,
 * with one small module per language beside it (locales/de.js, …), and the demo site
 * (demo/public) copied beside them. The server serves both from dist/public.
 */
export default defineConfig({
  publicDir: 'demo/public',
  plugins: [minifyLitCss()],
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
      output: { entryFileNames: '[name].js', chunkFileNames: '[name].js' },
    },
  },
});
