// Build-time trims of the AWS SDK runtime for bundles that hold nothing but cognito-idpool
// (the script-tag files). Each trim names what it removes and why the SDK never needs it here.
// Apps that bundle the npm package get the same effect without a plugin: their bundler puts these
// dynamic imports in chunks that are never loaded (the repository's bench/README.md measures this).

/**
 * `@smithy/core/event-streams`: HttpProtocol loads it with `import()` only for operations with an
 * event-stream member. Cognito Identity and Cognito user pools have none, but the script-tag build
 * ships two files and no others (scripts/build-bundle.mjs), so without this the whole codec (about
 * 15 KB) would be bundled into cognito-idpool.js.
 */
const EVENT_STREAMS = {
  filter: /^@smithy\/core\/event-streams$/,
  contents: `const removed = () => { throw new Error("cognito-idpool.js does not include AWS event streams (no Cognito operation uses them)."); };
export const EventStreamSerde = class { constructor() { removed(); } };
export const eventStreamSerdeProvider = removed;`,
};

export const TRIMS = [EVENT_STREAMS];

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
