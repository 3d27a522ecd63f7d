import { quasar, transformAssetUrls } from '@quasar/vite-plugin';
import vue from '@vitejs/plugin-vue';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);
/** Text that compresses; fonts in woff/woff2 and images are compressed already. */
const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt|ttf)$/;

/**
 * Writes `<file>.br` and `<file>.gz` beside every compressible file of the build (when smaller,
 * whatever its size: the bundler's own runtime chunk is under 1 KB and every page loads it), at
 * the strongest levels since it runs once: the gateway serves them to browsers that accept them,
 * as NGINX's `gzip_static` would.
 */
const precompress = (): Plugin => ({
  name: 'chat-precompress',
  apply: 'build',
  async writeBundle(options) {
    const dir = options.dir ?? 'dist';
    const files = (await readdir(dir, { recursive: true })).filter((f) => COMPRESSIBLE.test(f));
    await Promise.all(
      files.map(async (file) => {
        const full = path.join(dir, file);
        const raw = await readFile(full);
        const variants: [string, Buffer][] = [
          ['.br', await brotli(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } })],
          ['.gz', await gzipped(raw, { level: 9 })],
        ];
        for (const [ext, body] of variants) {
          if (body.length < raw.length) await writeFile(full + ext, body);
        }
      }),
    );
  },
});

// The contracts package is browser-safe, but its zod schemas are built at module scope. The app
// imports only types and constants from it, so modules nobody uses are dropped from the bundle.
const contractsWithoutSideEffects = (id: string): boolean | undefined =>
  id.includes('/packages/contracts/') ? false : undefined;

export default defineConfig({
  // Absolute asset URLs: the gateway answers any unknown path with index.html.
  base: '/',
  plugins: [
    vue({ template: { transformAssetUrls } }),
    quasar({ sassVariables: false }),
    precompress(),
  ],
  define: {
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
    __VUE_PROD_DEVTOOLS__: false,
  },
  server: {
    // `pnpm dev` talks to a gateway on :3000 through the dev server, so the app stays same-origin.
    proxy: {
      '/chat': { target: 'http://localhost:3000', ws: true },
      '/ready': 'http://localhost:3000',
    },
  },
  build: {
    outDir: 'dist',
    target: 'es2022',
    rolldownOptions: {
      treeshake: { moduleSideEffects: contractsWithoutSideEffects },
      // Libraries change less often than the app: separate, content-hashed chunks stay cached.
      output: {
        codeSplitting: {
          groups: [
            { name: 'vue', test: /[\\/]node_modules[\\/](@vue|vue|pinia|vue-i18n|@intlify)[\\/]/ },
            { name: 'quasar', test: /[\\/]node_modules[\\/]quasar[\\/]/ },
            {
              name: 'socket',
              test: /[\\/]node_modules[\\/](socket\.io-[a-z]+|engine\.io-[a-z]+|@socket\.io)[\\/]/,
            },
          ],
        },
      },
    },
  },
});
