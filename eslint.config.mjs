// ESLint flat config: strict TypeScript plus the layer rules of ARCHITECTURE.md.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noElectron = {
  name: 'electron',
  message: 'Only src/main/electron and src/preload may import electron.',
};
const layer = (patterns, message) => patterns.map((group) => ({ group: [group], message }));

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
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron],
          patterns: [
            ...layer(['node:*'], 'src/shared runs in the renderer too: no Node built-ins.'),
            ...layer(
              ['**/main/**', '**/renderer/**', '**/preload/**'],
              'src/shared imports nothing of ours outside shared.',
            ),
          ],
        },
      ],
    },
  },
  {
    files: ['src/main/services/**/*.ts', 'src/main/trainer/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron],
          patterns: layer(
            ['**/electron/**', '**/server/**', '**/cli/**', '**/renderer/**', '**/preload/**'],
            'services and trainer import only shared and each other, never a front door.',
          ),
        },
      ],
    },
  },
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
  {
    files: ['src/main/server/**/*.ts', 'src/main/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron],
          patterns: layer(
            ['**/electron/**', '**/renderer/**', '**/preload/**'],
            'front doors call services, not each other.',
          ),
        },
      ],
    },
  },
  {
    files: ['src/renderer/**/*.ts', 'src/renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron],
          patterns: layer(
            ['**/main/**', '**/preload/**', 'node:*', 'better-sqlite3', 'sharp'],
            'the renderer talks to the services only through the API client.',
          ),
        },
      ],
    },
  },
  {
    files: ['*.config.mts', '*.config.mjs', 'electron.vite.config.mts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
