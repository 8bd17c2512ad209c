// Compiles the server to plain JavaScript in dist/server, so `npm start` runs it without a
// TypeScript loader: start-up takes a third of the time. The npm packages stay external;
// the workspace's own TypeScript (shared/) is bundled in.
import { cpSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;

await build({
  absWorkingDir: root,
  entryPoints: ['server/src/main.ts', 'server/src/admin.ts'],
  outdir: 'dist/server',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  alias: { '@chatline/shared': './shared/src/index.ts' },
  sourcemap: true,
  logLevel: 'warning',
});
cpSync(`${root}server/src/migrations`, `${root}dist/server/migrations`, { recursive: true });
