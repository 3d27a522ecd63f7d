// The workspace's type-aware config, extended for Vue single-file components.
import prettier from 'eslint-config-prettier';
import pluginVue from 'eslint-plugin-vue';
import tseslint from 'typescript-eslint';
import root, { fence } from '../../eslint.config.mjs';

export default tseslint.config(
  ...root,
  ...pluginVue.configs['flat/recommended'],
  pluginVue.configs['no-layout-rules'],
  {
    files: ['**/*.vue'],
    languageOptions: {
      parserOptions: {
        parser: tseslint.parser,
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.vue'],
      },
    },
    rules: {
      // TypeScript resolves identifiers in <script setup lang="ts">; no-undef cannot see types.
      'no-undef': 'off',
      // Search highlights are the one sanctioned v-html, sanitised to <mark> only (see highlight.ts).
      'vue/no-v-html': 'error',
    },
  },
  // The web app sees the contracts package only, never server code or deep imports.
  fence(
    ['src/**/*.ts', 'src/**/*.vue'],
    ['@chat/*', '!@chat/contracts', 'node:*', 'zod', 'zod/*'],
    'The web app sees the contracts package only.',
  ),
  // The browser suite starts the gateway as a process (GATEWAY_MAIN), never imports it.
  fence(
    ['e2e/**/*.ts'],
    ['@chat/gateway*', '@chat/sink*', '@chat/bench*', '@chat/deploy-checks*'],
    'Start an app as a process (GATEWAY_MAIN from @chat/local-cluster); never import it.',
  ),
  prettier,
);
