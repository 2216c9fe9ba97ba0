// Lint rules that guard the project's rules (DESIGN §3) so they hold without anyone remembering them.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const determinism = {
  'no-restricted-properties': [
    'error',
    { object: 'Math', property: 'random', message: 'Use a named seeded stream (RngRoot.stream) — determinism is the product.' },
    { object: 'Date', property: 'now', message: 'No wall clock inside the simulation; only sim/cli reads it.' },
    { object: 'performance', property: 'now', message: 'No wall clock inside the simulation; only sim/cli reads it.' },
    { object: 'crypto', property: 'randomUUID', message: 'Unseeded randomness breaks same-seed-same-trace.' },
  ],
  'no-restricted-syntax': [
    'error',
    { selector: "NewExpression[callee.name='Date']", message: 'No wall clock inside the simulation; only sim/cli reads it.' },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'web/dist/**', 'results/**', 'scratch/**', 'test-output/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  { files: ['sim/**/*.ts'], ignores: ['sim/cli/**'], rules: determinism },
);
