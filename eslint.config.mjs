// Type-aware linting (typescript-eslint), as STYLE.md asks: no floating promises, exhaustive switches, no `any`,
// and no import into another module's internals (a module is reached through its index.ts only).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const INTO_MODULE_MESSAGE = 'Importez un module par son index.ts (modules/<module>), jamais ses fichiers internes.';
const intoAnotherModule = (regex) => ({ regex, message: INTO_MODULE_MESSAGE });

/**
 * Inside `src/modules/<m>/`, a relative path that climbs out of the module and goes down into another one's files
 * (`../<module>/<file>` from the module's root, `../../<module>/<file>` one folder deeper, …) is refused too; the
 * module's index (`../<module>`) stays allowed. ESLint cannot resolve the target, so the depth is given per folder.
 */
const relativeIntoModule = [1, 2, 3].map((depth) => ({
  files: [`src/modules/*/${'*/'.repeat(depth - 1)}*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [intoAnotherModule('modules/[a-z-]+/.+'), intoAnotherModule(`^${'\\.\\./'.repeat(depth)}[a-z-]+/.+`)],
      },
    ],
  },
}));

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'var/',
      'test-results/',
      'bench-results/',
      '*.mjs',
      'src/platform/cli/build-if-changed.mjs',
      'src/platform/views/assets/',
      'src/modules/client-space/assets/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's describe/it return promises that the runner itself awaits.
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
      'no-restricted-imports': ['error', { patterns: [intoAnotherModule('modules/[a-z-]+/.+')] }],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Seul src/config/ lit process.env : recevez AppConfig.' },
      ],
    },
  },
  ...relativeIntoModule,
  {
    files: ['src/config/**', 'test/**', 'bench/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // Tests poke at responses and driver rows whose shapes are untyped JSON.
    files: ['**/*.spec.ts', 'test/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
);
