// Lint rules that hold the layers apart (see README.md, "Layout"): what may
// import what is enforced here, not remembered.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = ['node:*', 'fs', 'path', 'os', 'http', 'https', 'net', 'child_process', 'crypto', 'url', 'util'];
// 'electron' and its subpaths ('electron/main'). A regex, because the group
// 'electron/*' also matches relative paths such as '../electron/core/sweeper'.
const ELECTRON = { regex: '^electron(/|$)' };
const SHELL_ONLY = 'Only the shell (electron/main/, electron/preload/) imports Electron.';

/** Each rule is [a group of gitignore-style patterns, or { regex }, message]. */
const restrict = (...rules) => ({
  'no-restricted-imports': [
    'error',
    { patterns: rules.map(([match, message]) => ({ ...(Array.isArray(match) ? { group: match } : match), message })) },
  ],
});

// no-restricted-imports sees `import … from` and `export … from` only. The
// other ways to load Electron are refused everywhere, the shell included: there
// a static import names what it takes, so the raw-IPC rule below can see it.
// (esquery regexes cannot hold a slash, so \x2F stands for one; electron's
// package.json is metadata, which scripts/electron-native.mjs reads.)
const ELECTRON_SPECIFIER = String.raw`/^electron(\x2F(?!package\.json$)|$)/`;
const NO_ELECTRON_LOADING = [
  [`CallExpression[callee.name='require'][arguments.0.value=${ELECTRON_SPECIFIER}]`, 'require()'],
  [`ImportExpression[source.value=${ELECTRON_SPECIFIER}]`, 'import()'],
  [`TSExternalModuleReference[expression.value=${ELECTRON_SPECIFIER}]`, 'import = require()'],
].map(([selector, form]) => ({ selector, message: `No ${form} of Electron: ${SHELL_ONLY} It uses \`import { … } from 'electron'\`.` }));
const NO_DEFAULT_EXPORT = { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' };

// Raw IPC lives in two small wrappers only (GitHub Desktop's rule): everything
// else goes through the typed contract. A default import (and `* as`, which
// no-restricted-imports refuses whenever names are restricted) would reach
// ipcMain/ipcRenderer as properties, so the shell imports Electron by name.
const shellImports = (rawIpc) => {
  const refused = [
    { importNames: ['default'], message: "Import Electron's APIs by name, so lint can see which are used." },
    ...(rawIpc ? [] : [{ importNames: ['ipcMain', 'ipcRenderer'], message: 'Use electron/main/ipc-main.ts or electron/preload/ipc-renderer.ts.' }]),
  ];
  return {
    'no-restricted-imports': [
      'error',
      {
        paths: refused.map((r) => ({ name: 'electron', ...r })),
        // electron/main, electron/renderer and electron/common export the same APIs.
        patterns: refused.map((r) => ({ regex: '^electron/', ...r })),
      },
    ],
  };
};

// The preload runs in Electron's sandbox: its require() knows only electron,
// events, timers and url, and Buffer, process and the rest are a reduced
// polyfill, so code leaning on Node passes the tests (plain Node, a mocked
// electron) and fails, or behaves differently, only in the window. So: no
// Node modules or globals, no packages; `electron` and its own files, bundled
// into one script. tsconfig.preload.json types it the same way.
const SANDBOX = "The preload runs in Electron's sandbox: no Node and no packages, only 'electron' and relative imports (tsconfig.preload.json).";
const SANDBOX_GLOBALS = ['process', 'Buffer', 'require', 'module', 'exports', '__dirname', '__filename', 'global', 'setImmediate', 'clearImmediate'];
const sandboxRules = (rawIpc) => {
  const [level, shell] = shellImports(rawIpc)['no-restricted-imports'];
  return {
    'no-restricted-imports': [
      level,
      {
        ...shell,
        patterns: [
          ...shell.patterns,
          { group: NODE_BUILTINS, message: SANDBOX },
          // Any bare specifier but 'electron' itself: node builtins without the prefix, packages, electron/* subpaths.
          { regex: '^(?!electron$)[^./]', message: SANDBOX },
        ],
      },
    ],
    'no-restricted-globals': ['error', ...SANDBOX_GLOBALS.map((name) => ({ name, message: SANDBOX }))],
  };
};

export default tseslint.config(
  { ignores: ['node_modules', 'out', 'dist', 'release', '.native', 'coverage'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', NO_DEFAULT_EXPORT, ...NO_ELECTRON_LOADING],
      // Everywhere but the shell (which the blocks below open up): no Electron.
      // Shell tests replace it with test/support/electron-mock.ts through vi.mock.
      ...restrict([ELECTRON, SHELL_ONLY]),
    },
  },
  {
    // Config files are the one place tools require a default export.
    files: ['*.config.{js,ts}', 'test/support/global-setup.ts'],
    rules: { 'no-restricted-syntax': ['error', ...NO_ELECTRON_LOADING] },
  },
  {
    files: ['shared/**'],
    rules: restrict(
      [ELECTRON, 'shared/ is pure TypeScript: no Electron, no Node.'],
      [NODE_BUILTINS, 'shared/ is pure TypeScript: no Electron, no Node.'],
      [['react', 'react-dom', 'better-sqlite3', 'zustand'], 'shared/ is pure TypeScript.'],
      [['**/electron/**', '**/renderer/**'], 'shared/ sits below both sides and imports neither.'],
    ),
  },
  {
    files: ['electron/core/**', 'electron/serve.ts'],
    rules: restrict(
      [ELECTRON, 'The core runs in plain Node; only electron/main/ (the shell) imports Electron.'],
      [['**/renderer/**', '**/main/**'], 'The core does not know about the shell or the renderer.'],
    ),
  },
  {
    files: ['cli/**'],
    rules: restrict(
      [ELECTRON, 'The CLI is a plain HTTP client of the agent port.'],
      [['better-sqlite3', '**/electron/**', '**/renderer/**'], 'The CLI is a plain HTTP client of the agent port.'],
    ),
  },
  {
    files: ['electron/main/**'],
    rules: shellImports(false),
  },
  {
    files: ['electron/main/ipc-main.ts'],
    rules: shellImports(true),
  },
  {
    files: ['electron/preload/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: sandboxRules(false),
  },
  {
    files: ['electron/preload/ipc-renderer.ts'],
    rules: sandboxRules(true),
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: restrict(
      [ELECTRON, 'The renderer talks to the main side only through the typed bridge.'],
      [['better-sqlite3', ...NODE_BUILTINS, '**/electron/**'], 'The renderer talks to the main side only through the typed bridge.'],
    ),
  },
);
