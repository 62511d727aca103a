import type { UserPoolCore, UserPoolHost } from "./contract.js";

/**
 * The {@link UserPoolHost} the session works with, made from the core's parts. It is built here,
 * in the lazily loaded module, so that a guest-only page does not download this wiring.
 */
export function hostOf(core: UserPoolCore): UserPoolHost {
  const { options, clock, engine } = core;
  return {
    ...core,
    options: {
      userPoolId: options.userPoolId,
      clientId: options.clientId,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.oauth ? { oauth: options.oauth } : {}),
    },
    region: options.region,
    serverNow: () => clock.now(),
    toDeviceTime: (serverMs) => clock.toDevice(serverMs),
    observeServerDate: (dateHeader) => clock.observe(dateHeader),
    tokensChanged: (expiresAt) => engine.tokensChanged(expiresAt),
    setLogins: (logins) => engine.setLogins(logins),
    endSession: (cause, local) => engine.signOut({ cause, local }),
  };
}
