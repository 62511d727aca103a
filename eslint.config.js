// ESLint (typescript-eslint) over every package, the tests, the bench and the scripts. Formatting
// is Prettier's job (`.prettierrc.json`); these rules catch mistakes, not style.
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/node_modules/", "**/dist/", "bench/out/", ".test-results/", "test-results/", "docs/api/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      // Unused arguments keep a documented signature; a leading underscore says so on purpose.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  {
    files: ["**/*.tsx", "packages/cognito-idpool/src/react/**"],
    plugins: { "react-hooks": reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    // Tests may read loosely typed wire answers.
    files: ["**/*.test.ts", "**/*.test.tsx", "test/**", "e2e/**", "packages/*/test/**", "packages/cognito-idpool-emulator/src/testing/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off", "@typescript-eslint/no-non-null-assertion": "off" },
  },
);
