/**
 * Remembered devices, loaded with `import()` only where the user pool tracks devices (it sent new
 * device metadata, or asked this browser to prove its device) and for `auth.devices`. A device is
 * a key the pool hands out at sign-in plus a secret made here: the pool keeps only an SRP verifier
 * of it (ConfirmDevice), and later sign-ins prove the secret the way SRP proves a password
 * (DEVICE_SRP_AUTH, DEVICE_PASSWORD_VERIFIER), which is what lets a remembered device skip MFA.
 */
import type { NewDeviceMetadataType, RespondToAuthChallengeResponse } from "@aws-sdk/client-cognito-identity-provider";
import type { ChunkKit } from "./client.js";
import type { Device, DeviceActions, UserPoolHost } from "./contract.js";
import type * as Srp from "./srp.js";

/** What is stored per user: the device's key, its group and the secret only this browser knows. */
export interface DeviceRecord {
  version: 1;
  deviceKey: string;
  deviceGroupKey: string;
  secret: string;
}

/** The stored device of `username`, if any (a corrupt record counts as none). */
export async function storedDevice(host: Pick<UserPoolHost, "storage" | "deviceKey">, username: string): Promise<DeviceRecord | undefined> {
  const value = (await host.storage.get(host.deviceKey(username)).catch(() => undefined)) as Partial<DeviceRecord> | undefined;
  return value?.version === 1 && typeof value.deviceKey === "string" && typeof value.deviceGroupKey === "string" && typeof value.secret === "string"
    ? (value as DeviceRecord)
    : undefined;
}

/** What the session hands over (see {@link ChunkKit}), with its SRP code. */
export interface DeviceKit extends ChunkKit {
  host: UserPoolHost;
  srp: Pick<typeof Srp, "startSrp" | "formatSrpTimestamp" | "newDeviceSecret">;
}

export interface DeviceDeps {
  kit: DeviceKit;
  /** The signed-in user's name and a fresh access token. */
  user(): Promise<{ username: string; accessToken: string; deviceKey: string | undefined }>;
}

/**
 * Confirms the device the pool just created at sign-in and stores its secret. Returns whether the
 * pool wants the user's say before remembering it (`auth.devices.remember()`).
 */
export async function confirmNewDevice(
  { host, send, malformedAnswer, srp }: DeviceKit,
  metadata: NewDeviceMetadataType,
  username: string,
  accessToken: string,
): Promise<boolean> {
  const { DeviceKey: deviceKey, DeviceGroupKey: deviceGroupKey } = metadata;
  if (!deviceKey || !deviceGroupKey) throw malformedAnswer("new device metadata without a device key or group");
  const { secret, salt, verifier } = await srp.newDeviceSecret(deviceGroupKey, deviceKey);
  const out = await send("ConfirmDevice", {
    AccessToken: accessToken,
    DeviceKey: deviceKey,
    DeviceSecretVerifierConfig: { PasswordVerifier: verifier, Salt: salt },
    // What the user sees in a list of their devices; browsers have no better name for themselves.
    ...(globalThis.navigator?.userAgent ? { DeviceName: globalThis.navigator.userAgent.slice(0, 1024) } : {}),
  });
  // Stored only once the pool knows the verifier: a key it never confirmed would fail every later sign-in.
  const record: DeviceRecord = { version: 1, deviceKey, deviceGroupKey, secret };
  await host.storage.set(host.deviceKey(username), record);
  return out.UserConfirmationNecessary === true;
}

/**
 * Answers DEVICE_SRP_AUTH: SRP_A for the device, then the proof over the pool's
 * DEVICE_PASSWORD_VERIFIER. Resolves to the pool's answer to the proof (the tokens, normally).
 */
export async function proveDevice(
  { host, send, malformedAnswer, srp: { startSrp, formatSrpTimestamp } }: DeviceKit,
  device: DeviceRecord,
  session: string | undefined,
  username: string,
  metadata: { ClientMetadata?: Record<string, string> },
): Promise<RespondToAuthChallengeResponse> {
  const { clientId: ClientId } = host.options;
  const exchange = startSrp();
  const DEVICE_KEY = device.deviceKey;
  const asked = await send("RespondToAuthChallenge", {
    ChallengeName: "DEVICE_SRP_AUTH",
    ClientId,
    Session: session,
    ChallengeResponses: { USERNAME: username, DEVICE_KEY, SRP_A: exchange.srpA },
    ...metadata,
  });
  const { SRP_B: srpB, SALT: salt, SECRET_BLOCK: secretBlock } = asked.ChallengeParameters ?? {};
  if (asked.ChallengeName !== "DEVICE_PASSWORD_VERIFIER" || !srpB || !salt || !secretBlock)
    throw malformedAnswer(`${asked.ChallengeName ?? "no challenge"} instead of DEVICE_PASSWORD_VERIFIER with SRP_B, SALT and SECRET_BLOCK`);
  // As for the password: the pool checks TIMESTAMP against its own clock.
  const timestamp = formatSrpTimestamp(host.serverNow());
  const signature = await exchange.passwordClaimSignature({
    poolName: device.deviceGroupKey,
    userIdForSrp: device.deviceKey,
    password: device.secret,
    srpB,
    salt,
    secretBlock,
    timestamp,
  });
  return send("RespondToAuthChallenge", {
    ChallengeName: "DEVICE_PASSWORD_VERIFIER",
    ClientId,
    Session: asked.Session,
    ChallengeResponses: {
      USERNAME: username,
      DEVICE_KEY,
      PASSWORD_CLAIM_SECRET_BLOCK: secretBlock,
      PASSWORD_CLAIM_SIGNATURE: signature,
      TIMESTAMP: timestamp,
    },
    ...metadata,
  });
}

/** `auth.devices`. */
export function createDevices({ kit, user }: DeviceDeps): DeviceActions {
  const { host, send, Error: CognitoIdpoolError } = kit;
  /** This browser's device key for the signed-in user: the access token's, else the stored one. */
  async function currentKey(): Promise<{ username: string; accessToken: string; deviceKey: string | undefined }> {
    const signedIn = await user();
    return { ...signedIn, deviceKey: signedIn.deviceKey ?? (await storedDevice(host, signedIn.username))?.deviceKey };
  }

  return {
    async remember() {
      const { accessToken, deviceKey } = await currentKey();
      if (!deviceKey)
        throw new CognitoIdpoolError("invalid-argument", "devices.remember: this browser is not a device of the user (the user pool does not track devices).");
      await send("UpdateDeviceStatus", { AccessToken: accessToken, DeviceKey: deviceKey, DeviceRememberedStatus: "remembered" });
    },

    async forget(deviceKey) {
      if (deviceKey !== undefined && (typeof deviceKey !== "string" || deviceKey === ""))
        throw new CognitoIdpoolError(
          "invalid-argument",
          "devices.forget: `deviceKey` must be a non-empty string (from devices.list()), or omitted for this browser.",
        );
      const current = await currentKey();
      const DeviceKey = deviceKey ?? current.deviceKey;
      if (!DeviceKey) return;
      await send("ForgetDevice", { AccessToken: current.accessToken, DeviceKey });
      // This browser's own device: its secret is useless now.
      if (DeviceKey === current.deviceKey) await host.storage.del(host.deviceKey(current.username));
    },

    async list() {
      const { accessToken, deviceKey } = await currentKey();
      const devices: Device[] = [];
      let PaginationToken: string | undefined;
      do {
        const out = await send("ListDevices", { AccessToken: accessToken, Limit: 60, ...(PaginationToken ? { PaginationToken } : {}) });
        for (const d of out.Devices ?? []) {
          const attributes: Record<string, string> = {};
          for (const { Name, Value } of d.DeviceAttributes ?? []) if (Name) attributes[Name] = Value ?? "";
          const device: Device = {
            deviceKey: d.DeviceKey ?? "",
            remembered: attributes["dev:device_remembered_status"] === "remembered",
            current: d.DeviceKey === deviceKey,
            attributes,
          };
          if (attributes["device_name"]) device.name = attributes["device_name"];
          if (d.DeviceCreateDate) device.createdAt = d.DeviceCreateDate;
          if (d.DeviceLastAuthenticatedDate) device.lastAuthenticatedAt = d.DeviceLastAuthenticatedDate;
          devices.push(device);
        }
        PaginationToken = out.PaginationToken;
      } while (PaginationToken);
      return devices;
    },
  };
}
