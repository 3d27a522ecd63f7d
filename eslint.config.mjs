// One flat, type-aware config for the whole workspace.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/** Everywhere: a package is imported by its name or a declared export, never by its files. */
export const noDeepImports = [
  {
    group: ['@chat/*/src', '@chat/*/src/*'],
    message: 'Import a package by its name or a declared export, never its files.',
  },
  {
    regex: '(^|/)\\.\\./(.*/)?(apps|packages)/',
    message: 'No relative import into another app or package: import it by its name.',
  },
];

/** Apps are processes: tests, benchmarks and the local cluster start them, never import them. */
const APPS = ['@chat/gateway*', '@chat/sink*', '@chat/web*'];
const TOOLS = ['@chat/bench*', '@chat/deploy-checks*'];

export const fence = (files, banned, message) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      { patterns: [...noDeepImports, ...(banned.length > 0 ? [{ group: banned, message }] : [])] },
    ],
  },
});

/**
 * The import fences: dependencies point one way (contracts ← core ← adapters ← apps; the web
 * app sees contracts only, and its browser suite imports no app: `apps/web/eslint.config.mjs`), no app imports another, and the tooling
 * packages start apps as processes (`@chat/local-cluster` declares their entry points) instead
 * of importing them. `packages/deploy-checks/test/lint-fences.spec.ts` proves each one fails.
 */
export const fences = [
  fence(
    ['packages/contracts/**/*.ts'],
    ['@chat/*', '!@chat/contracts', 'node:*', 'zod/*'],
    'contracts is browser-safe and depends on nothing of ours.',
  ),
  fence(
    ['packages/core/**/*.ts'],
    ['@chat/adapters*', '@chat/local-cluster*', '@chat/test-support*', ...APPS, ...TOOLS],
    'core depends on contracts only.',
  ),
  {
    files: ['packages/core/src/conformance/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...noDeepImports,
            {
              group: ['@chat/adapters*', '@chat/local-cluster*', ...APPS, ...TOOLS],
              message: 'core depends on contracts only.',
            },
            {
              regex: '^@chat/test-support(?!/poll$)',
              message: 'The conformance suites take only the polling helpers of test-support.',
            },
          ],
        },
      ],
    },
  },
  fence(['packages/adapters/**/*.ts'], [...APPS, ...TOOLS], 'adapters sit below the apps.'),
  fence(
    ['apps/gateway/**/*.ts'],
    ['@chat/sink*', '@chat/web*', ...TOOLS],
    'An app imports no other app.',
  ),
  fence(
    ['apps/sink/**/*.ts'],
    ['@chat/gateway*', '@chat/web*', ...TOOLS],
    'An app imports no other app.',
  ),
  fence(
    ['packages/local-cluster/**/*.ts', 'packages/bench/**/*.ts', 'packages/test-support/**/*.ts'],
    [...APPS, '@chat/deploy-checks*'],
    'Start an app as a process (GATEWAY_MAIN, SINK_MAIN from @chat/local-cluster); never import it.',
  ),
  fence(
    ['packages/deploy-checks/**/*.ts'],
    ['@chat/web*', '@chat/bench*'],
    'deploy-checks reads the apps only through their declared exports (e.g. @chat/gateway/config).',
  ),
];

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', '**/.turbo/**', '**/*.config.*', 'artifacts/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  ...fences,
  prettier,
);
