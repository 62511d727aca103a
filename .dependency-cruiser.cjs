// Layering rules, checked by `npm run lint` (and so by `npm test`). Each rule says why it exists.
const SDK = "^packages/cognito-idpool/src/";
const EMU = "^packages/cognito-idpool-emulator/src/";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "Import cycles make load order matter and hide which module is the foundation.",
      from: { path: "^packages/" },
      to: { circular: true },
    },
    {
      name: "sdk-not-emulator",
      severity: "error",
      comment: "The browser SDK never imports the emulator (it would ship a Node server to browsers).",
      from: { path: SDK },
      to: { path: ["^packages/cognito-idpool-emulator/", "^node_modules/cognito-idpool-emulator/"] },
    },
    {
      name: "emulator-not-sdk",
      severity: "error",
      comment: "The emulator never imports the SDK: the SDK must be tested against an independent implementation.",
      from: { path: EMU },
      to: { path: ["^packages/cognito-idpool/", "^node_modules/cognito-idpool/"] },
    },
    {
      name: "sdk-no-node-builtins",
      severity: "error",
      comment: "The SDK runs in browsers.",
      from: { path: SDK, pathNot: "\\.test\\.tsx?$" },
      to: { dependencyTypes: ["core"] },
    },
    {
      name: "sdk-platform-is-a-leaf",
      severity: "error",
      comment: "platform/ describes clock, timers, storage, locks and fetch; it depends on nothing of ours.",
      from: { path: `${SDK}platform/` },
      to: { path: SDK, pathNot: `${SDK}platform/` },
    },
    {
      name: "sdk-shared-leaves",
      severity: "error",
      comment: "errors.ts, types.ts and lazy.ts are what every layer shares; they import only each other and platform/.",
      from: { path: `${SDK}(errors|types|lazy)\\.ts$` },
      to: { path: SDK, pathNot: `${SDK}((errors|types|lazy)\\.ts$|platform/)` },
    },
    {
      name: "sdk-services-below-core",
      severity: "error",
      comment: "aws/, storage/, tabs/ and refresh/ are building blocks: they never reach up into the wire clients, core or the composition root.",
      from: { path: `${SDK}(aws|storage|tabs|refresh)/`, pathNot: "\\.test\\.tsx?$" },
      to: { path: `${SDK}(core|identity-pool|user-pool|react)/|${SDK}(auth|options|index)\\.ts$` },
    },
    {
      name: "sdk-clients-below-core",
      severity: "error",
      comment: "The identity-pool and user-pool clients talk to Cognito; core/ composes them, never the other way round.",
      from: { path: `${SDK}(identity-pool|user-pool)/`, pathNot: "\\.test\\.tsx?$" },
      to: { path: `${SDK}(core|react)/|${SDK}(auth|options|index)\\.ts$` },
    },
    {
      name: "sdk-core-below-root",
      severity: "error",
      comment: "core/ is wired by auth.ts (the composition root) and never imports it.",
      from: { path: `${SDK}core/` },
      to: { path: `${SDK}react/|${SDK}(auth|options|index)\\.ts$` },
    },
    {
      name: "sdk-react-uses-public-api",
      severity: "error",
      comment: "The React bindings are a client of the public API, like an app.",
      from: { path: `${SDK}react/`, pathNot: "\\.test\\.tsx?$" },
      to: { path: SDK, pathNot: `${SDK}(react/|index\\.ts$|auth\\.ts$|types\\.ts$|errors\\.ts$)` },
    },
    {
      name: "sdk-only-react-imports-react",
      severity: "error",
      comment: "Nothing of React may reach a page that does not import cognito-idpool/react.",
      from: { path: SDK, pathNot: `${SDK}react/` },
      to: { path: "^node_modules/react" },
    },
    {
      name: "emulator-core-is-a-leaf",
      severity: "error",
      comment: "core/ is the emulator's foundation (account, clock, errors, protocols, runtime); services build on it, never the reverse.",
      from: { path: `${EMU}core/`, pathNot: "\\.test\\.ts$" },
      to: { path: EMU, pathNot: `${EMU}core/` },
    },
    {
      name: "emulator-policy-is-a-library",
      severity: "error",
      comment: "The IAM policy evaluator knows nothing of the services that call it.",
      from: { path: `${EMU}policy/`, pathNot: "\\.test\\.ts$" },
      to: { path: EMU, pathNot: `${EMU}(policy|core)/` },
    },
    {
      name: "emulator-shipped-code-not-testing",
      severity: "error",
      comment: "The emulator's runtime never depends on its test helpers.",
      from: { path: EMU, pathNot: `\\.test\\.ts$|${EMU}testing/` },
      to: { path: `${EMU}testing/|^packages/cognito-idpool-emulator/test/` },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)dist/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["cognito-idpool:source", "import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".json"],
    },
  },
};
