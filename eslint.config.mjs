// ESLint flat config: strict TypeScript plus the layer rules of ARCHITECTURE.md.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noElectron = {
  name: 'electron',
  message: 'Only src/main/electron and src/preload may import electron.',
};
const layer = (patterns, message) => patterns.map((group) => ({ group: [group], message }));
const frontDoors = ['**/electron/**', '**/server/**', '**/cli/**', '**/renderer/**', '**/preload/**'];
const notAFrontDoor = 'services and trainer import only shared and each other, never a front door.';
const doorsApart = 'front doors call services, not each other.';
/** A config block: these files may not import electron, nor anything the patterns name. */
const restrict = (files, patterns) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { paths: [noElectron], patterns }] },
});

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'out/**',
      'dist/**',
      'release/**',
      '.gpu/**',
      'coverage/**',
      'artifacts/**',
      '.cache/**',
      '.venv-ref/**',
      'demo-output/**',
      'test-results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
      ],
    },
  },
  {
    files: ['**/*.cjs', 'scripts/**/*.mjs', 'bin/**'],
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
        setInterval: 'readonly',
        setTimeout: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  restrict(
    ['src/shared/**/*.ts'],
    [
      ...layer(['node:*'], 'src/shared runs in the renderer too: no Node built-ins.'),
      ...layer(
        ['**/main/**', '**/renderer/**', '**/preload/**'],
        'src/shared imports nothing of ours outside shared.',
      ),
    ],
  ),
  restrict(['src/main/services/**/*.ts'], layer(frontDoors, notAFrontDoor)),
  restrict(
    ['src/main/trainer/**/*.ts'],
    [
      ...layer(frontDoors, notAFrontDoor),
      ...layer(
        ['**/services/**'],
        'the trainer runs in its own process on a manifest: it may not import the services (no database).',
      ),
    ],
  ),
  {
    // tfjs-backend-webgpu implements synchronous reads through OffscreenCanvas, which Node lacks: on webgpu any
    // of these throws (or stalls the GPU queue in a browser). The trainer reads with `await t.data()` only.
    files: ['src/main/trainer/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        ...['dataSync', 'arraySync', 'bufferSync', 'print'].map((property) => ({
          property,
          message: `${property}() reads synchronously, which fails on the webgpu backend in Node: use await t.data() / t.array().`,
        })),
        ...['nonMaxSuppression', 'nonMaxSuppressionPadded', 'nonMaxSuppressionWithScore'].map((property) => ({
          property,
          message: `tf.image.${property} reads synchronously, which fails on the webgpu backend in Node: use ${property}Async.`,
        })),
      ],
    },
  },
  restrict(
    ['src/main/server/**/*.ts'],
    layer(['**/electron/**', '**/renderer/**', '**/preload/**', '**/cli/**'], doorsApart),
  ),
  restrict(
    ['src/main/cli/**/*.ts'],
    [
      ...layer(['**/electron/**', '**/renderer/**', '**/preload/**'], doorsApart),
      {
        group: ['**/server/**', '!**/server/door'],
        message:
          "the CLI starts `ridge serve` through its composition root (server/door.ts) only, never the server's internals.",
      },
    ],
  ),
  restrict(
    ['src/renderer/**/*.ts', 'src/renderer/**/*.tsx'],
    layer(
      ['**/main/**', '**/preload/**', 'node:*', 'better-sqlite3', 'sharp'],
      'the renderer talks to the services only through the API client.',
    ),
  ),
  {
    files: ['*.config.mts', '*.config.mjs', 'electron.vite.config.mts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
