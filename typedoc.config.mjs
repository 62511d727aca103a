// `npm run docs`: the API reference of both packages from their TSDoc, into docs/api/ (gitignored).
// Each package's typedoc.json names its public entry points (its `exports`). Warnings are errors,
// so a public type that is referenced but not exported, or left undocumented, fails `npm test`.
// The emulator's typedoc.json does not require TSDoc on properties: its seed types repeat the AWS
// API's own members (`IdentityPoolName`, `AllowedOAuthFlows`, …), which AWS documents.

/** Checked on each package (the conversion reads `packageOptions`) and again on the merged project (links across packages). */
const validation = {
  notExported: true,
  notDocumented: true,
  invalidLink: true,
  invalidPath: true,
  rewrittenLink: true,
  unusedMergeModuleWith: true,
};

/** @type {Partial<import("typedoc").TypeDocOptions>} */
export default {
  name: "cognito-idpool",
  entryPointStrategy: "packages",
  entryPoints: ["packages/cognito-idpool", "packages/cognito-idpool-emulator"],
  packageOptions: {
    validation,
    // What the packages' builds strip (`stripInternal`) is not their API either.
    excludeInternal: true,
    excludePrivate: true,
    // No hosted repository to link source lines to.
    disableSources: true,
  },
  validation,
  // The READMEs show shell, JSON, Python (boto3) and INI (AWS CLI config) besides TypeScript.
  highlightLanguages: ["typescript", "ts", "tsx", "javascript", "js", "json", "jsonc", "sh", "bash", "shell", "html", "python", "ini", "text"],
  out: "docs/api",
  treatWarningsAsErrors: true,
};
