// ESLint (flat config): JavaScript's and typescript-eslint's recommended rules, without type information (the
// native TypeScript 7 checker in `npm run typecheck` does the type checking). Formatting is Prettier's job.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      ".build/",
      ".scratch/",
      "cdktf.out/",
      "cdktf.out.bootstrap/",
      "bench-results/",
      "coverage/",
      "bench/template-baseline/.gen/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // `_`-prefixed names are deliberately unused (destructuring, required parameters).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["**/*.cjs", "**/*.js"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    files: ["__tests__/**/*.ts", "test-support/**/*.ts"],
    languageOptions: { globals: { ...globals.jest } },
    // Tests and the provider doubles read Terraform's and Graph's JSON as it comes.
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
