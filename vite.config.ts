import { readdirSync } from 'node:fs';
import { transformSync } from 'esbuild';
import { defineConfig, parseAst, type Plugin, type UserConfig } from 'vite';

/**
 * Each language but the bundled English is its own entry: widget/src/locales/de.ts → locales/de.js,
 * and the conversation's words, widget/src/locales/conversation/de.ts → locales/conversation/de.js.
 */
const languages = Object.fromEntries(
  ['', 'conversation/'].flatMap((folder) =>
    readdirSync(`widget/src/locales/${folder}`)
      .filter((file) => file.endsWith('.ts') && file !== 'en.ts')
      .map((file) => [`locales/${folder}${file.slice(0, -3)}`, `widget/src/locales/${folder}${file}`]),
  ),
);

/**
 * Vite wraps each dynamic import in a helper that preloads the imported chunk's own imports and
 * CSS (0.7 kB gzip). The widget's one dynamic chunk, the conversation, has no CSS and imports
 * only the widget's module, which is loaded already: the import is left as it is.
 */
function noPreloadHelper(): Plugin {
  return {
    name: 'no-preload-helper',
    enforce: 'pre',
    load(id) {
      return id === '\0vite/preload-helper.js' ? 'export const __vitePreload = (load) => load();' : null;
    },
  };
}

/**
 * The TypeScript decorator helper the compiler adds is the general one (class, method and
 * parameter decorators, `Reflect.decorate`); the widget has property decorators only, its own
 * (`widget/src/decorators.ts`), one to a property, which return nothing: calling each is all
 * they need (0.1 kB gzip less).
 */
function propertyDecoratorHelper(): Plugin {
  const helper = '\0property-decorator-helper';
  return {
    name: 'property-decorator-helper',
    transform(code, id) {
      if (!id.includes('/widget/src/') || !code.includes('@oxc-project/runtime/helpers/decorate')) return null;
      return { code: code.replace('"@oxc-project/runtime/helpers/decorate"', JSON.stringify(helper)), map: null };
    },
    resolveId: (source) => (source === helper ? helper : null),
    load: (id) => (id === helper ? 'export default (decorators, target, key) => { for (const decorate of decorators) decorate(target, key); };' : null),
  };
}

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
 * `npm run build`: the widget as one minified ES module, Lit included, at dist/public/chat-widget.js;
 * the conversation, which it loads when the chat opens, at chat-conversation.js; one small module
 * per language beside them (locales/de.js, locales/conversation/de.js, …); and the demo site
 * (demo/public) copied beside them. The server serves both from dist/public.
 */
const widget = {
  publicDir: 'demo/public',
  plugins: [noPreloadHelper(), propertyDecoratorHelper(), minifyLitCss(), minifyLitHtml()],
  // Lit's production build whatever NODE_ENV says: its dev mode adds a third to the bundle.
  resolve: { conditions: ['module', 'browser', 'production'] },
  build: {
    outDir: 'dist/public',
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: false,
    // A non-library build minifies whitespace too; the entry keeps its exports.
    rolldownOptions: {
      input: { 'chat-widget': 'widget/src/index.ts', ...languages },
      // The conversation chunk takes Lit and the widget's helpers from the widget's module, which
      // exports them for it, rather than from a third file every page would have to load.
      preserveEntrySignatures: 'allow-extension',
      // Reading a property of our own plain objects has no side effect: the field tables that
      // refer to the widget's few field specs are left out with them.
      treeshake: { propertyReadSideEffects: false },
      output: { entryFileNames: '[name].js', chunkFileNames: '[name].js' },
    },
  },
} satisfies UserConfig;

/**
 * `vite build --mode console`, which `npm run build` runs after the widget's: the agents' console
 * (console/index.html and what it imports) at dist/public/console/, served at /console/. A build
 * of its own, so that the widget's one module never shares a chunk with it.
 */
const consoleBuild = {
  root: 'console',
  base: '/console/',
  resolve: { conditions: ['module', 'browser', 'production'] },
  build: {
    outDir: '../dist/public/console',
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: false,
    rolldownOptions: { output: { entryFileNames: 'assets/[name]-[hash].js', chunkFileNames: 'assets/[name]-[hash].js' } },
  },
} satisfies UserConfig;

export default defineConfig(({ mode }) => (mode === 'console' ? consoleBuild : widget));
