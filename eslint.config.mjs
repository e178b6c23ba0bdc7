// ESLint flat config. Kept deliberately small: promise hygiene (type-aware), the folder
// boundaries of the house plan (see README / server/src layout), and a few recommended rules
// the code already satisfies. Formatting is Prettier's job (eslint-config-prettier turns off
// every stylistic rule that could fight it).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const root = import.meta.dirname;

const ts = ['server/src/**/*.ts', 'client/src/**/*.ts', 'media/src/**/*.ts', 'test/**/*.ts'];

// Folders, relative to the repository root.
const core = './server/src/core';
const protocol = './server/src/protocol';
const node = './server/src/node';
const adapters = { lsp: './server/src/lsp', cli: './server/src/cli', smoke: './server/src/smoke' };
const client = './client';
const media = './media';
const test = './test';

/** The other adapters, which `name` must not import. */
const otherAdapters = (name) =>
  Object.entries(adapters)
    .filter(([n]) => n !== name)
    .map(([, dir]) => dir);

// Resolved-path zones (import-x/no-restricted-paths): `target` files may not import anything
// under `from`, bar `except` (relative to `from`).
const zones = [
  {
    target: core,
    from: ['./server', client, media, test],
    except: ['./src/core'],
    message: 'server/src/core is the pure analysis core: it imports only server/src/core (and npm packages).',
  },
  ...Object.entries(adapters).map(([name, dir]) => ({
    target: dir,
    from: otherAdapters(name),
    message: `Adapters (lsp, cli, smoke) never import each other; move the shared code to server/src/core or server/src/node.`,
  })),
  {
    target: Object.values(adapters),
    from: [client, media],
    message: 'The server side never imports the VS Code client or the webview page.',
  },
  {
    target: node,
    from: [...Object.values(adapters), client, media],
    message: 'server/src/node (the Node host) may import core and protocol, never an adapter.',
  },
  {
    target: protocol,
    from: [...Object.values(adapters), node, client, media],
    message: 'server/src/protocol may import only protocol, and core type-only (import type).',
  },
  {
    target: [client, media],
    from: './server',
    except: ['./src/protocol'],
    message: 'The client and the webview page import only server/src/protocol from the server side.',
  },
  {
    target: media,
    from: client,
    message: 'The webview page runs in a browser: it never imports the VS Code client.',
  },
];

const vscodeModules = [
  'vscode',
  'vscode-languageserver',
  'vscode-languageserver-*',
  'vscode-languageserver/*',
  'vscode-languageclient',
  'vscode-languageclient/*',
  'vscode-jsonrpc',
  'vscode-jsonrpc/*',
];

export default defineConfig(
  {
    ignores: ['dist/**', 'node_modules/**', 'test/fixtures/**', 'test/**/fixtures/**', 'test-output/**', '**/*.vsix'],
  },

  // Type-aware TypeScript, on the tsconfig's own files. Not the whole recommended presets:
  // only the promise rules, the boundaries and a few rules the tree already follows.
  {
    files: ts,
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: root },
    },
    plugins: { '@typescript-eslint': tseslint.plugin, 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: `${root}/tsconfig.json` })],
    },
    rules: {
      // Promises: the point of the type-aware setup. node:test's test/describe/it return
      // promises that the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite', 'before', 'after'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],

      // Folder boundaries. no-unresolved guards the boundary rule: an import the resolver
      // cannot follow would otherwise slip past no-restricted-paths silently.
      'import-x/no-restricted-paths': ['error', { basePath: root, zones }],
      'import-x/no-unresolved': 'error',
    },
  },

  // The core: no Node builtins (file IO lives in server/src/node), no editor or LSP packages.
  {
    files: ['server/src/core/**/*.ts'],
    rules: {
      'import-x/no-nodejs-modules': 'error',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: vscodeModules, message: 'The core knows nothing of VS Code or LSP.' }] },
      ],
    },
  },

  // Protocol: shared by server, client and browser page. Core only as types.
  {
    files: ['server/src/protocol/**/*.ts'],
    rules: {
      'import-x/no-nodejs-modules': 'error',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)core(/|$)',
              allowTypeImports: true,
              message: 'protocol may import the core only with `import type` (nothing of the core is bundled).',
            },
            {
              group: vscodeModules,
              allowTypeImports: true,
              message: 'protocol may use VS Code / LSP packages only as types.',
            },
          ],
        },
      ],
    },
  },

  // The webview page runs in a browser (it talks to the extension through acquireVsCodeApi).
  {
    files: ['media/src/**/*.ts'],
    rules: {
      'import-x/no-nodejs-modules': 'error',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: vscodeModules, message: 'The webview page runs in a browser, without VS Code or LSP packages.' },
          ],
        },
      ],
    },
  },

  // Plain JS/ESM scripts at the root and in test/: no type information.
  {
    files: ['**/*.mjs', '**/*.js'],
    extends: [js.configs.recommended],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
  },

  prettier,
);
