// Build-time trims of the AWS SDK runtime for bundles that hold nothing but cognito-idpool
// (the script-tag file). Each trim names what it removes and why the SDK never needs it here.
// Apps that bundle the npm package get the same effect without a plugin: their bundler puts these
// dynamic imports in chunks that are never loaded (the repository's bench/README.md measures this).

/**
 * `@smithy/core/event-streams`: HttpProtocol loads it with `import()` only for operations with an
 * event-stream member. Cognito Identity and Cognito user pools have none, but a one-file bundle
 * cannot leave a dynamic import behind, so without this the whole codec (about 15 KB) is inlined.
 */
const EVENT_STREAMS = {
  filter: /^@smithy\/core\/event-streams$/,
  contents: `const removed = () => { throw new Error("cognito-idpool.js does not include AWS event streams (no Cognito operation uses them)."); };
export const EventStreamSerde = class { constructor() { removed(); } };
export const eventStreamSerdeProvider = removed;`,
};

export const TRIMS = [EVENT_STREAMS];

/**
 * For one-file builds: the core loads sign-in with `import("./user-pool/session.js")`. Inlined as a
 * dynamic import, esbuild keeps every export of everything the chunk reaches (the namespace object
 * must exist), so the AWS SDK clients behind it lose their tree shaking. A file that holds sign-in
 * anyway is smaller with a static import of the same module.
 */
export function staticSignInPlugin() {
  const dynamic = 'import("./user-pool/session.js")';
  return {
    name: "cognito-idpool-static-sign-in",
    setup(build) {
      build.onLoad({ filter: /[\\/]src[\\/]auth\.ts$/ }, async (args) => {
        const { readFile } = await import("node:fs/promises");
        const source = await readFile(args.path, "utf8");
        if (!source.includes(dynamic)) throw new Error(`${args.path} no longer contains ${dynamic}; update packages/cognito-idpool/scripts/trim.mjs`);
        return {
          contents: `import * as cognitoIdpoolSignIn from "./user-pool/session.js";\n${source.replace(dynamic, "Promise.resolve(cognitoIdpoolSignIn)")}`,
          loader: "ts",
        };
      });
    },
  };
}

/**
 * The Cognito clients' schema modules register one error class per modeled error at load time, so
 * every class ships (18 KB raw for the user pool) although cognito-idpool maps errors by `name`.
 * Without the registrations the protocol throws a plain `Error` with the same `name`, `message`,
 * `$fault` and `$metadata`; only `instanceof NotAuthorizedException` style checks change, and
 * nothing in a bundle that holds only cognito-idpool makes them.
 */
const SCHEMA_MODULES = /[\\/]@aws-sdk[\\/]client-cognito-identity(?:-provider)?[\\/]dist-es[\\/]schemas[\\/]schemas_0\.js$/;
const REGISTRATION = /^\w+_registry\.registerError\(\w+\$, \w+\);$/gm;

export function errorClassesPlugin() {
  return {
    name: "cognito-idpool-error-classes",
    setup(build) {
      build.onLoad({ filter: SCHEMA_MODULES }, async (args) => {
        const { readFile } = await import("node:fs/promises");
        const source = await readFile(args.path, "utf8");
        const stripped = source.replace(REGISTRATION, "");
        if (stripped === source) throw new Error(`${args.path}: no error registrations found; update packages/cognito-idpool/scripts/trim.mjs`);
        return { contents: stripped, loader: "js" };
      });
    },
  };
}

/** esbuild plugin applying {@link TRIMS}. */
export function trimPlugin(trims = TRIMS) {
  return {
    name: "cognito-idpool-trim",
    setup(build) {
      trims.forEach((trim, index) => {
        build.onResolve({ filter: trim.filter }, () => ({ path: `trim-${index}`, namespace: "cognito-idpool-trim" }));
      });
      build.onLoad({ filter: /.*/, namespace: "cognito-idpool-trim" }, (args) => ({
        contents: trims[Number(args.path.slice("trim-".length))].contents,
        loader: "js",
      }));
    },
  };
}
