// ESLint (flat config): JavaScript's recommended rules and typescript-eslint's, over the library,
// the CLI, the scripts and the tests. Formatting is Prettier's job (npm run format).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "artifacts/", "cache/", "coverage/", "typechain-types/", "node_modules/", "native/poseidon/build/", "portal/dist/", "**/*.tmp-*"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: "module" },
    rules: {
      // Unused names are tsc's job (noUnusedLocals/Parameters); `_`-prefixed ones are deliberate.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      eqeqeq: ["error", "always"],
      "no-console": "off",
    },
  },
  {
    // The CLI and the examples use Lifeboat through its public entry points only (docs/library.md).
    files: ["prover/cli/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(\\.\\./)+(artifacts|audit|chain|chainstate|hash|proof|serve|setup|snapshot|tree|watch)/",
              message: "import the entry point (its index), not one of its modules",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["examples/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [{ regex: "prover/", message: "the examples use the package by name (lifeboat/…)" }] }] },
  },
  {
    // Plain CommonJS modules: the bin, the build scripts, worker threads and the addon loader.
    files: ["**/*.js", "**/*.cjs"],
    languageOptions: {
      sourceType: "commonjs",
      globals: {
        require: "readonly",
        module: "writable",
        __dirname: "readonly",
        process: "readonly",
        console: "readonly",
        Buffer: "readonly",
        URL: "readonly",
      },
    },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
