// lib-storage stands in for Node's `stream` with stream-browserify, which imports the `buffer`
// package. Inside this repository npm hoists buffer 4 (the benchmark's Amplify packages need it),
// which reads Node's `global` as it loads; buffer 5 and later, which lib-storage itself depends on,
// do not. An app that gets buffer 4 the same way needs this line; main.tsx imports it first, so it
// runs before lib-storage loads.
(globalThis as { global?: typeof globalThis }).global ??= globalThis;
