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
    // Plain CommonJS modules: the bin, the build scripts, worker threads and the addon loader.
    files: ["**/*.js", "**/*.cjs"],
    languageOptions: { sourceType: "commonjs", globals: { require: "readonly", module: "writable", __dirname: "readonly", process: "readonly", console: "readonly", Buffer: "readonly", URL: "readonly" } },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
