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

/** A pending fault asked for through the control API that drops the connection instead of answering. */
export class NetworkFault extends Error {
  constructor() {
    super("emulator fault: connection dropped");
    this.name = "NetworkFault";
  }
}
