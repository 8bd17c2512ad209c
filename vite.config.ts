import { readdirSync } from 'node:fs';
import { transformSync } from 'esbuild';
import { defineConfig, parseAst, type Plugin } from 'vite';

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

type Node = { type: string; start: number; [key: string]: unknown };

function walk(node: unknown, visit: (node: Node) => void): void {
  if (Array.isArray(node)) for (const child of node) walk(child, visit);
  else if (typeof node === 'object' && node !== null) {
    if (typeof (node as Node).type === 'string') visit(node as Node);
    for (const value of Object.values(node)) walk(value, visit);
  }
}

/**
 * The same for Lit's `html` templates: each run of whitespace with a line break in it becomes
 * one space, which is all HTML makes of it outside `<pre>` and `<textarea>` text (the templates
 * have neither).
 */
function minifyLitHtml(): Plugin {
  return {
    name: 'minify-lit-html',
    transform(code, id) {
      if (!id.includes('/widget/src/') || !code.includes('html`')) return null;
      const edits: { start: number; end: number; text: string }[] = [];
      walk(parseAst(code, { lang: 'ts' }), (node) => {
        const tag = node.tag as Node | undefined;
        if (node.type !== 'TaggedTemplateExpression' || tag?.type !== 'Identifier' || tag.name !== 'html') return;
        for (const quasi of (node.quasi as { quasis: (Node & { value: { raw: string } })[] }).quasis) {
          // A quasi's span starts at the backtick or the } before its text.
          const start = quasi.start + 1;
          const { raw } = quasi.value;
          edits.push({ start, end: start + raw.length, text: raw.replace(/\s*\n\s*/g, ' ') });
        }
      });
      edits.sort((a, b) => b.start - a.start);
      for (const { start, end, text } of edits) code = code.slice(0, start) + text + code.slice(end);
      return { code, map: null };
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
  plugins: [minifyLitCss(), minifyLitHtml()],
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
