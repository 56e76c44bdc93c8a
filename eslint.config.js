// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'scratch/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The domain is pure: no I/O, so no Node built-ins.
    // The barcode reader and the scan state machine are pure as well (issue 6).
    // The genealogy drawing's layout and SVG are pure too: the web app lays out the same drawing.
    files: ['src/domain/**/*.ts', 'src/capture/scan/read-barcode.ts', 'src/capture/scan/scan-machine.ts', 'src/reports/drawing/**/*.ts', 'src/shared/**/*.ts'],
    ignores: ['src/domain/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*'], message: 'src/domain, the barcode reader and the scan state machine are pure: no node:* imports.' }] }],
    },
  },
  {
    // The web pages run in the browser: no Node built-ins, and nothing from the server's code
    // (web/tsconfig.json gives them the DOM library and no Node types, so Node globals fail typecheck).
    // The one exception is src/shared/: pure code both sides run (the genealogy drawing's layout).
    files: ['web/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['node:*'], message: 'web/src runs in the browser: no node:* imports.' },
        { regex: '(^|/)src/(?!shared/)', message: 'web/src talks to the server through the HTTP API only (src/shared/ excepted).' },
      ] }],
    },
  },
);
