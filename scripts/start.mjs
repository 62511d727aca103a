// `npm start`: the demo, with no AWS account. Starts the emulator with its demo seed (packages/cognito-idpool-emulator/demo-seed.json) and
// the React example's Vite dev server, both on 127.0.0.1, and prints where to go and how to sign in.
// The page is given as http://localhost:<port>/ (the same server): Cognito's login pages send the
// user back only to plain-http addresses on localhost, and the seed's app client lists port 5173.
// Ctrl-C stops both. With VITE_IDENTITY_POOL_ID (and friends, see examples/react-s3/README.md) set,
// only the dev server starts and the example talks to real AWS.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const seedPath = `${root}packages/cognito-idpool-emulator/demo-seed.json`;
const realAws = Boolean(process.env.VITE_IDENTITY_POOL_ID);

if (!existsSync(`${root}packages/cognito-idpool-emulator/dist/index.js`) || !existsSync(`${root}packages/cognito-idpool/dist/index.js`)) {
  console.log("dist/ is missing (npm ci normally builds it): building…");
  const build = spawnSync("npm", ["run", "build"], { stdio: "inherit", cwd: root });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const stops = [];
let stopping = false;
async function stopAll(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
  process.exit(code);
}
process.once("SIGINT", () => void stopAll(0));
process.once("SIGTERM", () => void stopAll(0));

try {
  let emulatorUrl;
  if (!realAws) {
    const { startEmulator } = await import("cognito-idpool-emulator");
    // The port the example uses by default; any free one if it is taken.
    const preferred = Number(process.env.EMULATOR_PORT ?? 4566);
    const emulator = await startEmulator({ port: preferred, seed: seedPath }).catch((error) => {
      if (error?.code !== "EADDRINUSE") throw error;
      return startEmulator({ port: 0, seed: seedPath });
    });
    stops.push(() => emulator.stop());
    emulatorUrl = emulator.url;
    process.env.VITE_ENDPOINT = emulatorUrl;
  }

  const { createServer } = await import("vite");
  const vite = await createServer({
    configFile: `${root}examples/react-s3/vite.config.ts`,
    server: { host: "127.0.0.1", port: Number(process.env.PORT ?? 5173) },
    clearScreen: false,
    logLevel: "warn",
  });
  stops.push(() => vite.close());
  await vite.listen();
  const serverUrl = new URL(vite.resolvedUrls?.local[0] ?? `http://127.0.0.1:${vite.config.server.port}/`);
  serverUrl.hostname = "localhost";
  const appUrl = serverUrl.href;
  if (emulatorUrl) await allowRedirectsTo(emulatorUrl, appUrl);

  const lines = ["", "  cognito-idpool demo", "", `  Open        ${appUrl}`];
  if (emulatorUrl) {
    const pool = JSON.parse(readFileSync(seedPath, "utf8")).userPools[0];
    const user = pool.Users[0];
    lines.push(`  Emulator    ${emulatorUrl}  (Cognito identity pools, user pools, IAM/STS and S3)`);
    lines.push(`  Demo user   ${user.Username}`, `  Password    ${user.Password}`);
    lines.push("", "  Or sign up: the confirmation code is at", `  ${emulatorUrl}/_emulator/codes/${pool.Id}/<username>`);
  } else {
    lines.push(`  AWS         identity pool ${process.env.VITE_IDENTITY_POOL_ID}`);
  }
  if (emulatorUrl) lines.push("", "  Or: Continue with Google (emulated) or Sign in with the login page, both on the user pool's login pages.");
  lines.push("", "  Ctrl-C stops everything.", "");
  console.log(lines.join("\n"));
} catch (error) {
  console.error(`npm start: ${error?.message ?? error}`);
  await stopAll(1);
}

/**
 * When Vite had to take another port than the seed's 5173, adds the page's address to the demo app
 * client's callback and sign-out URLs, so the login pages still send the user back to it.
 */
async function allowRedirectsTo(endpoint, appUrl) {
  const pool = JSON.parse(readFileSync(seedPath, "utf8")).userPools[0];
  const seeded = pool.Clients[0];
  if (seeded.CallbackURLs?.includes(appUrl)) return;
  const { CognitoIdentityProviderClient, DescribeUserPoolClientCommand, UpdateUserPoolClientCommand } =
    await import("@aws-sdk/client-cognito-identity-provider");
  const idp = new CognitoIdentityProviderClient({ region: "eu-west-1", endpoint, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
  try {
    const { UserPoolClient: client } = await idp.send(new DescribeUserPoolClientCommand({ UserPoolId: pool.Id, ClientId: seeded.ClientId }));
    // UpdateUserPoolClient resets what it is not given, so every setting is passed back; these three are not settings.
    const { ClientSecret: _secret, CreationDate: _created, LastModifiedDate: _modified, ...settings } = client;
    await idp.send(
      new UpdateUserPoolClientCommand({
        ...settings,
        CallbackURLs: [...(settings.CallbackURLs ?? []), appUrl],
        LogoutURLs: [...(settings.LogoutURLs ?? []), appUrl],
      }),
    );
  } finally {
    idp.destroy();
  }
}
