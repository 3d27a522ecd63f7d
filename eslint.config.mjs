// One flat, type-aware config for the whole workspace.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

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
  {
    // Dependencies point one way: contracts ← core ← adapters ← apps; web sees contracts only.
    files: ['packages/contracts/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['@chat/*', '!@chat/contracts', 'node:*', 'zod/*'] },
      ],
    },
  },
  {
    files: ['packages/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            '@chat/adapters*',
            '@chat/gateway*',
            '@chat/sink*',
            '@chat/web*',
            '@chat/*/src/*',
          ],
        },
      ],
    },
  },
  {
    files: ['apps/**/*.ts', 'packages/adapters/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@chat/*/src/*', '@chat/web*'] }],
    },
  },
  prettier,
);
