// Finds Chromium for the browser tests, installing Debian's package when it is missing and we are root.
// Playwright's own browser download (`npx playwright install`) cannot work here: no network but npm and Debian.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

export const CHROMIUM_CANDIDATES = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"].filter(Boolean);

export function findChromium() {
  return CHROMIUM_CANDIDATES.find((path) => existsSync(path));
}

/** Returns the Chromium path, installing `chromium` with apt-get as root if needed; exits with a clear message otherwise. */
export function ensureChromium() {
  const found = findChromium();
  if (found) return found;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const hasApt = existsSync("/usr/bin/apt-get");
  if (isRoot && hasApt) {
    console.log("Chromium not found: installing Debian's chromium package (apt-get install -y chromium) …");
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    for (const args of [["update"], ["install", "-y", "--no-install-recommends", "chromium"]]) {
      const result = spawnSync("apt-get", args, { stdio: ["ignore", "ignore", "inherit"], env });
      if (result.status !== 0) break;
    }
    const installed = findChromium();
    if (installed) return installed;
  }
  console.error(
    [
      "The browser tests need Chromium and none was found (looked at: " + CHROMIUM_CANDIDATES.join(", ") + ").",
      "Install it with:   sudo apt-get install -y chromium      (Debian/Ubuntu)",
      "or point CHROMIUM_PATH at an existing Chromium or Chrome binary.",
      "Do not run `npx playwright install`: this project uses the system browser.",
    ].join("\n"),
  );
  process.exit(1);
}
