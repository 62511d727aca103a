import { parseArgs } from "node:util";
import { startEmulator } from "./index.js";

const USAGE = `Usage: cognito-idpool-emulator [--port N] [--host H] [--seed FILE] [--data DIR]

Local emulator of Amazon Cognito identity pools, Cognito user pools, an IAM/STS subset and S3.
  --port N     port to listen on (default 4566; 0 picks a free port)
  --host H     interface to bind (default 127.0.0.1)
  --seed FILE  JSON file that creates pools, roles, users and buckets at start
  --data DIR   keep state in DIR across restarts (default: memory only)`;

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: "string" },
        host: { type: "string" },
        seed: { type: "string" },
        data: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = values.port === undefined ? 4566 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`--port must be an integer from 0 to 65535, got '${values.port}'\n`);
    process.exit(2);
  }
  const emulator = await startEmulator({
    port,
    ...(values.host ? { host: values.host } : {}),
    ...(values.seed ? { seed: values.seed } : {}),
    ...(values.data ? { dataDir: values.data } : {}),
  });
  const stop = () => {
    emulator.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  // Handlers first: a supervisor may signal the moment it reads the ready line.
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  process.stdout.write(`cognito-idpool-emulator ready at ${emulator.url}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`cognito-idpool-emulator: ${(error as Error).message ?? String(error)}\n`);
  process.exit(1);
});
