// The system programs some tests drive (Debian's Chromium, Debian's AWS CLI): found where they are,
// installed with apt-get when missing and we are root, or named with install instructions. Their
// own installers (`npx playwright install`, AWS's zip) download from outside npm and Debian, which
// this project's machines cannot reach.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

/**
 * @typedef {object} SystemTool
 * @property {string} name         what the tests call it, for messages
 * @property {string} aptPackage   Debian's package that provides it
 * @property {string} envVar       variable that points at an existing binary instead
 * @property {string[]} candidates paths to look at, in order (the variable's value first)
 * @property {string} [command]    a command name to look up on PATH as a last resort
 * @property {string[]} [versionArgs] when set, a candidate counts only if it runs with these arguments
 */

const runs = (tool, path) => !tool.versionArgs || spawnSync(path, tool.versionArgs, { stdio: "ignore" }).status === 0;

/** @param {SystemTool} tool @returns {string | undefined} */
export function findTool(tool) {
  const listed = tool.candidates.find((path) => path && existsSync(path) && runs(tool, path));
  if (listed || !tool.command) return listed;
  const onPath = spawnSync("sh", ["-c", `command -v ${tool.command}`], { encoding: "utf8" }).stdout?.trim();
  return onPath && runs(tool, onPath) ? onPath : undefined;
}

/** @param {SystemTool} tool @returns {string} */
export function missingMessage(tool) {
  return [
    `The tests need ${tool.name} and none was found (looked at: ${[...tool.candidates.filter(Boolean), ...(tool.command ? ["PATH"] : [])].join(", ")}).`,
    `Install it with:   sudo apt-get install -y ${tool.aptPackage}      (Debian/Ubuntu)`,
    `or point ${tool.envVar} at an existing binary.`,
  ].join("\n");
}

/** The tool's path, installing its Debian package as root if needed; exits with a clear message otherwise. @param {SystemTool} tool */
export function ensureTool(tool) {
  const found = findTool(tool);
  if (found) return found;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (isRoot && existsSync("/usr/bin/apt-get")) {
    console.log(`${tool.name} not found: installing Debian's ${tool.aptPackage} package (apt-get install -y ${tool.aptPackage}) …`);
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    for (const args of [["update"], ["install", "-y", "--no-install-recommends", tool.aptPackage]]) {
      const result = spawnSync("apt-get", args, { stdio: ["ignore", "ignore", "inherit"], env });
      if (result.status !== 0) break;
    }
    const installed = findTool(tool);
    if (installed) return installed;
  }
  console.error(missingMessage(tool));
  process.exit(1);
}

/** Chromium for Vitest's browser mode and Playwright; never a downloaded browser. */
export const CHROMIUM = {
  name: "Chromium",
  aptPackage: "chromium",
  envVar: "CHROMIUM_PATH",
  candidates: [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"],
};

/** The AWS CLI (v1 or v2) for the emulator's S3 tests; Debian's package first, since `aws` on PATH may be another install. */
export const AWS_CLI = {
  name: "the AWS CLI (`aws`)",
  aptPackage: "awscli",
  envVar: "AWS_CLI_PATH",
  candidates: [process.env.AWS_CLI_PATH, "/usr/bin/aws", "/usr/local/bin/aws"],
  command: "aws",
  versionArgs: ["--version"],
};
