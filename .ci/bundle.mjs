// Bundles the engine (src/, with its dependencies) into dist/bundle/, the
// code `bespin` and `calrissian` run: Node links a few chunks instead of
// resolving ~145 modules on every start. Run by `npm run build` after tsc
// (which type-checks and compiles the tests); needs only esbuild.
//
//   dist/bundle/bespin.js         the CLI (src/cli/main.ts)
//   dist/bundle/sandboxWorker.js  the expression sandbox's worker thread
//   dist/bundle/loadWorker.js     the document loader's worker thread
//   dist/bundle/*-HASH.js         chunks, imported when first needed (yargs,
//                                 cwl-ts-auto, ajv, pino-pretty, Kubernetes)
//
// Workers are found as `new URL('./sandboxWorker.js', import.meta.url)` from
// whichever chunk holds their host, so every output file stays in one folder.
import { build } from 'esbuild';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * @kubernetes/client-node's index re-exports all 60 generated API classes and
 * every model; its modules have no side effects worth keeping, so saying so
 * lets esbuild keep only what the backend uses (KubeConfig, CoreV1Api,
 * makeInformer, Log and what they reach).
 */
const kubernetesClientWithoutSideEffects = {
  name: 'kubernetes-client-side-effect-free',
  setup(esbuild) {
    esbuild.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData === 'resolved' || !isKubernetesClient(args)) return undefined;
      const resolved = await esbuild.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'resolved' });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      // polyfill.js patches globals on purpose: it keeps its side effects.
      return { ...resolved, sideEffects: resolved.path.endsWith(`${path.sep}polyfill.js`) };
    });
  },
};

function isKubernetesClient({ path: spec, importer }) {
  return spec.startsWith('@kubernetes/client-node') || (importer.includes(`${path.sep}@kubernetes${path.sep}client-node${path.sep}`) && spec.startsWith('.'));
}

// Chunk names change with their content: old ones would only pile up.
rmSync(path.join(repo, 'dist/bundle'), { recursive: true, force: true });
const result = await build({
  absWorkingDir: repo,
  entryPoints: {
    bespin: 'src/cli/main.ts',
    sandboxWorker: 'src/expressions/sandboxWorker.ts',
    loadWorker: 'src/load/loadWorker.ts',
  },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  chunkNames: '[name]-[hash]',
  sourcemap: true,
  // Minified: a chunk's source stays in memory while it runs, and comments
  // with non-ASCII characters would make it a two-byte string; the Kubernetes
  // backend's chunk shrinks from 5.4 to 1.9 MB (~5 MiB less RSS in the engine
  // pod). Names are kept: messages and logs use classes' and functions' names.
  minify: true,
  keepNames: true,
  metafile: true,
  logLevel: 'warning',
  // Bundled CommonJS (pino, js-yaml's dependants, the Kubernetes client's
  // dependencies) calls require() for Node's own modules.
  banner: { js: "import { createRequire as bespinCreateRequire } from 'node:module'; const require = bespinCreateRequire(import.meta.url);" },
  // whatwg-url (cwl-ts-auto's node-fetch) requires "punycode": Node gives its
  // deprecated built-in and warns when the caller is outside node_modules, as
  // the bundle is; the npm package of the same name is installed beside it.
  alias: { punycode: 'punycode/' },
  plugins: [kubernetesClientWithoutSideEffects],
});

// Run directly too (`./dist/bundle/bespin.js`), as npm's bin links are.
chmodSync(path.join(repo, 'dist/bundle/bespin.js'), 0o755);
// The chunks are ES modules wherever the folder is copied: without a
// package.json saying so, Node would parse each as CommonJS first, then again.
writeFileSync(path.join(repo, 'dist/bundle/package.json'), '{ "type": "module" }\n');

if (process.env.BUNDLE_ANALYZE) {
  const { analyzeMetafile } = await import('esbuild');
  console.log(await analyzeMetafile(result.metafile));
}
