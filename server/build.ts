/**
 * Compiles the server to plain JavaScript in dist/server, so `npm start` runs it without a
 * TypeScript loader: start-up takes a third of the time. The npm packages stay external;
 * the workspace's own TypeScript (shared/) is bundled in.
 */
import { cpSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Bundles the entry points into `outdir` (relative to the repository), migrations beside them. */
export async function compileServer(entryPoints: string[], outdir: string): Promise<void> {
  await build({
    absWorkingDir: root,
    entryPoints,
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    alias: { '@chatline/shared': './shared/src/index.ts' },
    sourcemap: true,
    logLevel: 'warning',
  });
  // Each store finds its own beside the bundle, by name (store/*/store.ts).
  rmSync(`${root}${outdir}/migrations`, { recursive: true, force: true });
  for (const store of ['sqlite', 'postgres']) {
    cpSync(`${root}server/src/store/${store}/migrations`, `${root}${outdir}/${store}-migrations`, { recursive: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await compileServer(['server/src/main.ts', 'server/src/admin.ts'], 'dist/server');
}
