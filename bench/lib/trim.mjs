// Build-time trims of the AWS SDK runtime for bundles that hold nothing but cognito-idpool
// (the script-tag file). Each trim names what it removes and why the SDK never needs it here.
// Apps that bundle the npm package get the same effect without a plugin: their bundler puts these
// dynamic imports in chunks that are never loaded (see bench/README.md).

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
