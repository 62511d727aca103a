import { errorMessage } from "../errors.js";
import type { Logger } from "../platform/types.js";
import type { SignOutCause } from "../types.js";

/** What one tab tells the others. */
export type TabMessage =
  { type: "signedOut"; cause: SignOutCause } | { type: "identity"; identityId: string; previousIdentityId?: string; kind: "guest" | "authenticated" };

/** Messages between tabs of one origin about one identity pool. */
export interface TabChannel {
  post(message: TabMessage): void;
  close(): void;
}

/**
 * A BroadcastChannel named after the identity pool. Only identity ids and "signed out" cross it,
 * never credentials or tokens. Messages that do not decode (another version of this library in
 * another tab) are ignored.
 */
export function openTabChannel(Channel: typeof BroadcastChannel, name: string, onMessage: (message: TabMessage) => void, logger: Logger): TabChannel {
  const channel = new Channel(name);
  channel.onmessage = (event: MessageEvent) => {
    const message = decode(event.data);
    if (message) onMessage(message);
    else logger.debug("ignoring an unknown cross-tab message", { channel: name });
  };
  return {
    post(message) {
      try {
        channel.postMessage(message);
      } catch (error) {
        logger.warn("could not post a cross-tab message", { error: errorMessage(error) });
      }
    },
    close: () => channel.close(),
  };
}

function decode(data: unknown): TabMessage | undefined {
  const { type, cause, identityId, kind, previousIdentityId } = Object(data) as Record<string, unknown>;
  // A tab running an older version sends no cause.
  if (type === "signedOut") return { type, cause: cause === "sessionExpired" || cause === "userDeleted" ? cause : "signOut" };
  if (type === "identity" && typeof identityId == "string" && (kind === "guest" || kind === "authenticated"))
    return { type, identityId, kind, ...(typeof previousIdentityId == "string" && { previousIdentityId }) };
  return undefined;
}
