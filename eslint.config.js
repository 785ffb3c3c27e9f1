// Lint rules that hold the layers apart (see ../shared/CONVENTIONS.md): what may
// import what is enforced here, not remembered.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = ['node:*', 'fs', 'path', 'os', 'http', 'https', 'net', 'child_process', 'crypto', 'url', 'util'];

const restrict = (...groups) => ({
  'no-restricted-imports': ['error', { patterns: groups.map(([group, message]) => ({ group, message })) }],
});

export default tseslint.config(
  { ignores: ['node_modules', 'out', 'dist', 'release', '.native', 'coverage'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
    },
  },
  {
    // Config files are the one place tools require a default export.
    files: ['*.config.{js,ts}', 'test/support/global-setup.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['shared/**'],
    rules: restrict(
      [['electron', 'electron/*', ...NODE_BUILTINS], 'shared/ is pure TypeScript: no Electron, no Node.'],
      [['react', 'react-dom', 'better-sqlite3', 'zustand'], 'shared/ is pure TypeScript.'],
      [['**/electron/**', '**/renderer/**'], 'shared/ sits below both sides and imports neither.'],
    ),
  },
  {
    files: ['electron/core/**', 'electron/serve.ts'],
    rules: restrict(
      [['electron', 'electron/*'], 'The core runs in plain Node; only electron/main/ (the shell) imports Electron.'],
      [['**/renderer/**', '**/main/**'], 'The core does not know about the shell or the renderer.'],
    ),
  },
  {
    files: ['cli/**'],
    rules: restrict([['electron', 'electron/*', 'better-sqlite3', '**/electron/**', '**/renderer/**'], 'The CLI is a plain HTTP client of the agent port.']),
  },
  {
    // Raw IPC lives in two small wrappers only (GitHub Desktop's rule): everything
    // else goes through the typed contract.
    files: ['electron/main/**', 'electron/preload/**'],
    ignores: ['electron/main/ipc-main.ts', 'electron/preload/ipc-renderer.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              importNames: ['ipcMain', 'ipcRenderer'],
              message: 'Use electron/main/ipc-main.ts or electron/preload/ipc-renderer.ts.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: restrict(
      [['electron', 'electron/*', 'better-sqlite3', ...NODE_BUILTINS], 'The renderer talks to the main side only through the typed bridge.'],
      [['**/electron/**'], 'The renderer talks to the main side only through the typed bridge.'],
    ),
  },
);
