import { quasar, transformAssetUrls } from '@quasar/vite-plugin';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

// The contracts package is browser-safe, but its zod schemas are built at module scope. The app
// imports only types and constants from it, so modules nobody uses are dropped from the bundle.
const contractsWithoutSideEffects = (id: string): boolean | undefined =>
  id.includes('/packages/contracts/') ? false : undefined;

export default defineConfig({
  // Absolute asset URLs: the gateway answers any unknown path with index.html.
  base: '/',
  plugins: [vue({ template: { transformAssetUrls } }), quasar({ sassVariables: false })],
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
