// The size proposal for src/, measured before it is merged: a copy of src/ in bench/out/ with
// bench/proposal/src/ laid over it (identity-pool and user-pool clients on the SDK's operation
// schemas and awsJson1_1 protocol, without the generated client classes) and the session's
// command imports pointed at the new user-pool client. bench/run.mjs bundles it like the package.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./measure.mjs";

const SDK = "@aws-sdk/client-cognito-identity-provider";

/** Moves the value imports named `…Command` of an SDK import to `./client.js`; types stay. */
function pointCommandsAtClient(source, file) {
  const pattern = new RegExp(`import \\{([^}]*)\\} from "${SDK.replace(/[/-]/g, "\\$&")}";`);
  const match = pattern.exec(source);
  if (!match) throw new Error(`${file}: no import from ${SDK}; update bench/lib/proposal.mjs`);
  const names = match[1].split(",").map((n) => n.trim()).filter(Boolean);
  const commands = names.filter((n) => /^\w+Command$/.test(n));
  const rest = names.filter((n) => !commands.includes(n));
  const replacement = [rest.length ? `import { ${rest.join(", ")} } from "${SDK}";` : "", commands.length ? `import { ${commands.join(", ")} } from "./client.js";` : ""].join("\n");
  return source.replace(match[0], replacement);
}

/** Writes the patched source tree; returns its `src/index.ts` and a cleanup function. */
export function proposalSource() {
  // Inside the repository, so bare imports resolve from its node_modules.
  const dir = join(ROOT, "bench/out/proposal");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const src = join(dir, "src");
  cpSync(join(ROOT, "src"), src, { recursive: true, filter: (path) => !path.endsWith(".test.ts") });
  cpSync(join(ROOT, "bench/proposal/src"), src, { recursive: true });
  for (const file of ["user-pool/session.ts", "user-pool/keeper.ts"]) {
    const path = join(src, file);
    writeFileSync(path, pointCommandsAtClient(readFileSync(path, "utf8"), file));
  }
  return { entry: join(src, "index.ts"), dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The proposal bundled for Node (dependencies stay external), for the round trips against the emulator. */
export async function proposalForNode() {
  const { build } = await import("esbuild");
  const { entry } = proposalSource();
  const outfile = join(ROOT, "bench/out/proposal/index.mjs");
  await build({ entryPoints: [entry], bundle: true, packages: "external", platform: "node", format: "esm", target: "node20", outfile, logLevel: "warning" });
  return outfile;
}
