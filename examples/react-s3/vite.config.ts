import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here("."),
  plugins: [react()],
  // Loopback only; `npm start` and the end-to-end tests pass their own port.
  server: { host: "127.0.0.1", port: 5173 },
  preview: { host: "127.0.0.1" },
  optimizeDeps: {
    // Inside this repository npm links the workspace package (node_modules/cognito-idpool → packages/),
    // and Vite serves linked packages unbundled, discovering the lazily loaded sign-in chunk's
    // dependencies only when it loads, and then reloading the page mid-session. Pre-bundling it
    // makes it behave as it does in an app that installed it from npm.
    include: ["cognito-idpool", "cognito-idpool/react"],
    // Pre-bundled afresh at each start: Vite keys its cache on the lockfile, not on the linked
    // package's dist/, so after `npm run build` a cached pre-bundle would go on serving the old build.
    force: true,
  },
  build: { outDir: "dist", emptyOutDir: true, sourcemap: true },
});
