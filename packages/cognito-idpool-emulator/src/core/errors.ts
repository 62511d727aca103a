/**
 * An error the emulator answers with, in the shape each AWS protocol serializes it.
 * `type` is the AWS error code (`NotAuthorizedException`, `AccessDenied`, …) and is what
 * clients dispatch on; `status` follows what AWS puts on the wire for that code.
 */
export class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
    /** Extra members some protocols carry (S3 adds `Resource`, `Key`, …). */
    readonly extra: Record<string, string> = {},
  ) {
    super(message);
    this.name = "AwsError";
  }
}

/** Coral's message shape for a constraint violation on one input member. */
export function validationError(member: string, value: unknown, constraint: string): AwsError {
  const shown = typeof value === "string" ? value : JSON.stringify(value);
  return new AwsError("ValidationException", `1 validation error detected: Value '${shown}' at '${member}' failed to satisfy constraint: ${constraint}`);
}

/** A pending fault asked for through the control API that drops the connection instead of answering. */
export class NetworkFault extends Error {
  constructor() {
    super("emulator fault: connection dropped");
    this.name = "NetworkFault";
  }
}
