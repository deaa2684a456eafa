// ESLint (flat config) for the whole repository; each workspace runs `eslint .` through turbo.
//
// Rule choice: rules that find defects, not style. tsc (strict, noUncheckedIndexedAccess) already
// covers what typescript-eslint's non-type-aware rules would; the type-aware rules below catch
// what tsc cannot: promises nobody awaits or whose rejection nobody handles, promises passed
// where a callback's return is ignored, and a few always-wrong patterns. The `no-unsafe-*`
// family and the stylistic rules are deliberately off (churn without finding defects here).
import nextPlugin from '@next/eslint-plugin-next';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/** Core ESLint rules that are always a bug and that tsc does not report. */
const coreDefects = {
  'no-async-promise-executor': 'error',
  'no-compare-neg-zero': 'error',
  'no-cond-assign': 'error',
  'no-constant-binary-expression': 'error',
  'no-dupe-else-if': 'error',
  'no-empty-character-class': 'error',
  'no-invalid-regexp': 'error',
  'no-loss-of-precision': 'error',
  'no-misleading-character-class': 'error',
  'no-self-assign': 'error',
  'no-sparse-arrays': 'error',
  'no-unsafe-finally': 'error',
  'no-unsafe-optional-chaining': 'error',
  'no-useless-backreference': 'error',
  'use-isnan': 'error',
  'valid-typeof': 'error',
};

/** Type-aware typescript-eslint rules (a subset of recommendedTypeChecked). */
const typedDefects = {
  '@typescript-eslint/no-floating-promises': 'error',
  '@typescript-eslint/no-misused-promises': 'error',
  '@typescript-eslint/await-thenable': 'error',
  '@typescript-eslint/no-array-delete': 'error',
  '@typescript-eslint/no-for-in-array': 'error',
  '@typescript-eslint/no-implied-eval': 'error',
  '@typescript-eslint/only-throw-error': 'error',
  '@typescript-eslint/prefer-promise-reject-errors': 'error',
};

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/.next/**', '**/dist/**', '**/.turbo/**', 'data/**', '**/next-env.d.ts', 'test-results/**', 'playwright-report/**'],
  },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  {
    files: ['**/*.{js,mjs,cjs,ts,tsx}'],
    rules: coreDefects,
  },
  {
    files: ['**/*.{ts,tsx}'],
    extends: [tseslint.configs.base],
    languageOptions: {
      // Each file is checked with the tsconfig.json nearest to it (one per workspace).
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: typedDefects,
  },
  {
    // Next's own rules (the set eslint-config-next calls core-web-vitals) and the hooks rules
    // that find real defects; the React Compiler rules of eslint-plugin-react-hooks 7 stay off.
    files: ['apps/web/**/*.{ts,tsx}'],
    plugins: { '@next/next': nextPlugin, 'react-hooks': reactHooks },
    settings: { next: { rootDir: `${import.meta.dirname}/apps/web/` } },
    rules: {
      ...nextPlugin.configs['core-web-vitals'].rules,
      // About the pages/ router, which this app does not have (App Router only).
      '@next/next/no-html-link-for-pages': 'off',
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
);
