/**
 * Self-service account calls of the signed-in user: attributes, password, MFA and deleting the
 * account. Each sends the access token, renewed first when it is near expiry. A change to what the
 * ID token says (attributes) renews the tokens and hands the new ID token to the identity pool, so
 * the claims the app reads and the login the identity pool maps to a role agree.
 */
import type { AttributeType, CodeDeliveryDetailsType } from "@aws-sdk/client-cognito-identity-provider";
import { CognitoIdpoolError } from "../errors.js";
import { call, type UserPoolApi } from "./client.js";
import type { AccountActions, AttributeUpdate, CodeDelivery, MfaActions, MfaMethod, MfaSetting, TotpSetup, UserPoolHost, UserPoolTokens } from "./contract.js";
import type { TokenKeeper } from "./keeper.js";
import type { Tokens } from "./tokens.js";

/** The MFA methods' names in the user-pool API. */
export const MFA_NAMES: Record<MfaMethod, string> = { totp: "SOFTWARE_TOKEN_MFA", sms: "SMS_MFA", email: "EMAIL_OTP" };
/** Where SetUserMFAPreference takes each method's setting. */
const MFA_SETTING_FIELD: Record<MfaMethod, "SoftwareTokenMfaSettings" | "SMSMfaSettings" | "EmailMfaSettings"> = {
  totp: "SoftwareTokenMfaSettings",
  sms: "SMSMfaSettings",
  email: "EmailMfaSettings",
};

/** Our name of an MFA method the user pool names. */
export const mfaMethodOf = (name: string | undefined) => (Object.keys(MFA_NAMES) as MfaMethod[]).find((m) => MFA_NAMES[m] === name);

/** A TOTP secret with the `otpauth://` URI authenticator apps read from a QR code. */
export function totpSetup(secret: string, username: string): TotpSetup {
  return {
    secret,
    uri(issuer) {
      requireString("totpSetup.uri", "issuer", issuer);
      // The label is "issuer:account": a colon in the issuer would move where apps split it.
      if (issuer.includes(":")) throw invalid("totpSetup.uri: `issuer` must not contain a colon.");
      // The key-URI format authenticator apps read: label "issuer:account", issuer repeated as a parameter.
      const name = encodeURIComponent(issuer);
      return `otpauth://totp/${name}:${encodeURIComponent(username)}?secret=${secret}&issuer=${name}`;
    },
  };
}

/** The `clientMetadata` of an input as the user-pool API takes it (for Lambda triggers); checked to be a map of strings. */
export function clientMetadataOf(method: string, input: unknown): { ClientMetadata?: Record<string, string> } {
  const metadata = (input as { clientMetadata?: unknown } | undefined)?.clientMetadata;
  if (metadata === undefined) return {};
  if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata) || !Object.values(metadata).every((v) => typeof v === "string")) {
    throw invalid(`${method}: \`clientMetadata\` must be an object of string values.`);
  }
  return { ClientMetadata: metadata as Record<string, string> };
}
const MFA_SETTINGS: readonly string[] = ["preferred", "enabled", "disabled"] satisfies MfaSetting[];

export interface AccountDeps {
  host: UserPoolHost;
  api: UserPoolApi;
  keeper: TokenKeeper;
  /** Hands fresh tokens to the identity pool (credentials for the new ID token). */
  setLogins(tokens: Tokens): Promise<void>;
  /** The user no longer exists: the session ends everywhere, cause `userDeleted`. */
  userDeleted(): Promise<void>;
}

export function createAccount({ host, api, keeper, setLogins, userDeleted }: AccountDeps): AccountActions & { mfa: MfaActions } {
  const accessToken = async () => (await keeper.fresh()).accessToken;

  /** The claims changed at the pool: new tokens, and the identity pool's login with them. */
  async function claimsChanged(): Promise<void> {
    await setLogins(await keeper.renew());
  }

  async function getUser() {
    const AccessToken = await accessToken();
    return call(() => api.send("GetUser", { AccessToken }));
  }

  const mfa: MfaActions = {
    async setUpTotp() {
      const { accessToken: AccessToken, username } = await keeper.fresh();
      const out = await call(() => api.send("AssociateSoftwareToken", { AccessToken }));
      if (!out.SecretCode) throw new CognitoIdpoolError("service-error", "AssociateSoftwareToken returned no secret.");
      return totpSetup(out.SecretCode, username);
    },

    async verifyTotp(input) {
      const { code } = requireFields("mfa.verifyTotp", input, ["code"]);
      const deviceName = input.deviceName;
      if (deviceName !== undefined) requireString("mfa.verifyTotp", "deviceName", deviceName);
      const AccessToken = await accessToken();
      const out = await call(() =>
        api.send("VerifySoftwareToken", { AccessToken, UserCode: code, ...(deviceName !== undefined ? { FriendlyDeviceName: deviceName } : {}) }),
      );
      if (out.Status !== "SUCCESS") throw new CognitoIdpoolError("code-mismatch", "The authenticator code was not accepted.");
    },

    async setPreference(input) {
      if (typeof input !== "object" || input === null) throw invalid('mfa.setPreference: expected an object such as { totp: "preferred" }.');
      const request: Record<string, { Enabled: boolean; PreferredMfa: boolean }> = {};
      for (const [method, setting] of Object.entries(input)) {
        if (setting === undefined) continue;
        const field = MFA_SETTING_FIELD[method as MfaMethod];
        if (!field) throw invalid(`mfa.setPreference: unknown method \`${method}\`; use totp, sms or email.`);
        if (!MFA_SETTINGS.includes(setting as string)) throw invalid(`mfa.setPreference: \`${method}\` must be "preferred", "enabled" or "disabled".`);
        request[field] = { Enabled: setting !== "disabled", PreferredMfa: setting === "preferred" };
      }
      if (!Object.keys(request).length) throw invalid("mfa.setPreference: name at least one of totp, sms or email.");
      const AccessToken = await accessToken();
      await call(() => api.send("SetUserMFAPreference", { AccessToken, ...request }));
    },

    async getPreference() {
      const out = await getUser();
      const enabled = (out.UserMFASettingList ?? []).map(mfaMethodOf).filter((m): m is MfaMethod => m !== undefined);
      const preferred = mfaMethodOf(out.PreferredMfaSetting);
      return preferred ? { enabled, preferred } : { enabled };
    },
  };

  return {
    mfa,

    async getTokens(options = {}) {
      const t = options.forceRefresh === true ? await keeper.renew() : await keeper.fresh();
      const tokens: UserPoolTokens = { idToken: t.idToken, accessToken: t.accessToken, expiration: new Date(host.toDeviceTime(t.expiresAt)) };
      return tokens;
    },

    async fetchUserAttributes() {
      return attributesOf((await getUser()).UserAttributes);
    },

    async updateUserAttributes(attributes) {
      const entries = attributeEntries("updateUserAttributes", attributes);
      const AccessToken = await accessToken();
      const out = await call(() => api.send("UpdateUserAttributes", { AccessToken, UserAttributes: entries.map(([Name, Value]) => ({ Name, Value })) }));
      const sent = new Map((out.CodeDeliveryDetailsList ?? []).map((d) => [d.AttributeName, d]));
      const result: Record<string, AttributeUpdate> = {};
      for (const [name] of entries) {
        const details = sent.get(name);
        result[name] = details ? { status: "codeSent", codeDelivery: toCodeDelivery(details) } : { status: "done" };
      }
      await claimsChanged();
      return result;
    },

    async sendUserAttributeVerificationCode(input) {
      const { name } = requireFields("sendUserAttributeVerificationCode", input, ["name"]);
      const AccessToken = await accessToken();
      const out = await call(() => api.send("GetUserAttributeVerificationCode", { AccessToken, AttributeName: name }));
      return toCodeDelivery(out.CodeDeliveryDetails);
    },

    async confirmUserAttribute(input) {
      const { name, code } = requireFields("confirmUserAttribute", input, ["name", "code"]);
      const AccessToken = await accessToken();
      await call(() => api.send("VerifyUserAttribute", { AccessToken, AttributeName: name, Code: code }));
      await claimsChanged();
    },

    async deleteUserAttributes(names) {
      if (!Array.isArray(names) || !names.length || !names.every((n) => typeof n === "string" && n !== "")) {
        throw invalid("deleteUserAttributes: expected a non-empty array of attribute names.");
      }
      const AccessToken = await accessToken();
      await call(() => api.send("DeleteUserAttributes", { AccessToken, UserAttributeNames: names }));
      await claimsChanged();
    },

    async updatePassword(input) {
      const { oldPassword, newPassword } = requireFields("updatePassword", input, ["oldPassword", "newPassword"]);
      const AccessToken = await accessToken();
      await call(() => api.send("ChangePassword", { AccessToken, PreviousPassword: oldPassword, ProposedPassword: newPassword }));
    },

    async deleteUser() {
      const AccessToken = await accessToken();
      await call(() => api.send("DeleteUser", { AccessToken }));
      await userDeleted();
    },
  };
}

function attributesOf(list: AttributeType[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { Name, Value } of list ?? []) if (Name) out[Name] = Value ?? "";
  return out;
}

function attributeEntries(method: string, attributes: unknown): [string, string][] {
  if (typeof attributes !== "object" || attributes === null || Array.isArray(attributes)) {
    throw invalid(`${method}: expected an object of attribute names and string values, such as { email: "a@example.com" }.`);
  }
  const entries = Object.entries(attributes);
  if (!entries.length) throw invalid(`${method}: name at least one attribute.`);
  for (const [name, value] of entries) if (typeof value !== "string") throw invalid(`${method}: the value of \`${name}\` must be a string.`);
  return entries as [string, string][];
}

/** Cognito's CodeDeliveryDetails in the SDK's shape. */
export function toCodeDelivery(details: CodeDeliveryDetailsType | undefined): CodeDelivery {
  const out: CodeDelivery = {};
  if (details?.Destination) out.destination = details.Destination;
  if (details?.DeliveryMedium === "SMS" || details?.DeliveryMedium === "EMAIL") out.deliveryMedium = details.DeliveryMedium;
  if (details?.AttributeName) out.attributeName = details.AttributeName;
  return out;
}

function invalid(message: string): CognitoIdpoolError {
  return new CognitoIdpoolError("invalid-argument", message);
}

function requireString(method: string, field: string, value: unknown): void {
  if (typeof value !== "string" || value === "") throw invalid(`${method}: \`${field}\` must be a non-empty string.`);
}

/** Checks that each named field is a non-empty string, naming the first one that is not. */
export function requireFields<K extends string>(method: string, input: unknown, fields: K[]): Record<K, string> {
  if (typeof input !== "object" || input === null) throw invalid(`${method}: expected an object with ${fields.join(", ")}.`);
  for (const field of fields) requireString(method, field, (input as Record<string, unknown>)[field]);
  return input as Record<K, string>;
}
