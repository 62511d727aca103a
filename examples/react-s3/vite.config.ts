import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here("."),
  plugins: [react()],
  resolve: {
    // The example imports the package by name, as an app would after `npm install cognito-idpool`.
    // Inside this repository the name points at the SDK's source, so edits to src/ show up live;
    // an app that installed the package needs no alias.
    alias: { "cognito-idpool": here("../../src/index.ts") },
  },
  // Loopback only; `npm start` and the end-to-end tests pass their own port.
  server: { host: "127.0.0.1", port: 5173 },
  preview: { host: "127.0.0.1" },
  optimizeDeps: {
    // Scan the SDK too, so the lazily imported sign-in module's dependencies are pre-bundled at
    // start and the dev server never reloads the page mid-session to add them.
    entries: ["index.html", "../../src/**/*.ts", "!../../src/**/*.test.ts"],
  },
  build: { outDir: "dist", emptyOutDir: true, sourcemap: true },
});
