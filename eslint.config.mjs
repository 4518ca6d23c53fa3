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
      "dist/",
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
    // The library (constructs/, the package) stands alone: it never imports the app, and uses cdktf's public API only.
    files: ["constructs/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: [
                "**/config/*",
                "**/app/*",
                "**/tools/*",
                "**/rotation/*",
                "**/test-support/*",
                "**/main",
                "**/bootstrap",
              ],
              message: "The construct library must not import the app: it ships alone (README, 'Layout').",
            },
            { group: ["zod", "yaml", "fastest-levenshtein"], message: "The library depends on its peers only." },
            {
              group: ["cdktf/*"],
              message: 'Use cdktf\'s public API (import from "cdktf"), so a move to cdktn is a rename.',
            },
          ],
        },
      ],
    },
  },
  {
    // The app uses the library as any other app would: through its entry point (constructs/index.ts), never a file.
    files: [
      "main.ts",
      "bootstrap.ts",
      "app/**/*.ts",
      "config/**/*.ts",
      "tools/**/*.ts",
      "rotation/**/*.ts",
      "test-support/**/*.ts",
    ],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/constructs/*"],
              message: 'Import the construct library through its entry point ("../constructs"), as another app would.',
            },
          ],
        },
      ],
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
