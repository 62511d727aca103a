import { AwsError } from "../core/errors.js";
import type { EmulatorState } from "../core/state.js";
import type { EmulatorResponse, JsonOperation, JsonService, ServiceContext } from "../core/types.js";
import {
  associateSoftwareToken,
  changePassword,
  getUser,
  globalSignOut,
  revokeToken,
  setUserMfaPreference,
  tokenRevoked,
  verifySoftwareToken,
} from "./account.js";
import {
  adminAddUserToGroup,
  adminCreateUser,
  adminDeleteUser,
  adminDisableUser,
  adminEnableUser,
  adminGetUser,
  adminListGroupsForUser,
  adminRemoveUserFromGroup,
  adminResetUserPassword,
  adminSetUserPassword,
  adminUpdateUserAttributes,
  adminUserGlobalSignOut,
  createGroup,
  getGroup,
} from "./admin.js";
import { adminInitiateAuth, adminRespondToAuthChallenge, initiateAuth, respondToAuthChallenge } from "./auth.js";
import { createUserPoolClientOperation, deleteUserPoolClientOperation, describeUserPoolClientOperation } from "./clients.js";
import { findUser } from "./lookup.js";
import {
  createUserPoolOperation,
  deleteUserPoolOperation,
  describeUserPoolOperation,
  getUserPoolMfaConfigOperation,
  setUserPoolMfaConfigOperation,
} from "./pools.js";
import { adminConfirmSignUp, confirmForgotPassword, confirmSignUp, forgotPassword, resendConfirmationCode, signUp } from "./signup.js";
import { issuerOf, publicJwks } from "./tokens.js";

export { seedUserPools, type UserPoolSeed } from "./seed.js";

const signed = (handler: JsonOperation["handler"]): JsonOperation => ({ auth: "sigv4", handler });
const open = (handler: JsonOperation["handler"]): JsonOperation => ({ auth: "none", handler });

/**
 * Amazon Cognito user pools (`AWSCognitoIdentityProviderService.*`, awsJson 1.1). Administrative
 * operations are SigV4-signed; the ones a browser makes for its user are unsigned, as on AWS.
 */
export const cognitoIdpService: JsonService = {
  service: "cognito-idp",
  targetPrefix: "AWSCognitoIdentityProviderService",
  operations: {
    CreateUserPool: signed(createUserPoolOperation),
    DescribeUserPool: signed(describeUserPoolOperation),
    DeleteUserPool: signed(deleteUserPoolOperation),
    SetUserPoolMfaConfig: signed(setUserPoolMfaConfigOperation),
    GetUserPoolMfaConfig: signed(getUserPoolMfaConfigOperation),
    CreateUserPoolClient: signed(createUserPoolClientOperation),
    DescribeUserPoolClient: signed(describeUserPoolClientOperation),
    DeleteUserPoolClient: signed(deleteUserPoolClientOperation),
    AdminCreateUser: signed(adminCreateUser),
    AdminSetUserPassword: signed(adminSetUserPassword),
    AdminGetUser: signed(adminGetUser),
    AdminDeleteUser: signed(adminDeleteUser),
    AdminConfirmSignUp: signed(adminConfirmSignUp),
    AdminDisableUser: signed(adminDisableUser),
    AdminEnableUser: signed(adminEnableUser),
    AdminUserGlobalSignOut: signed(adminUserGlobalSignOut),
    AdminResetUserPassword: signed(adminResetUserPassword),
    AdminUpdateUserAttributes: signed(adminUpdateUserAttributes),
    CreateGroup: signed(createGroup),
    GetGroup: signed(getGroup),
    AdminAddUserToGroup: signed(adminAddUserToGroup),
    AdminRemoveUserFromGroup: signed(adminRemoveUserFromGroup),
    AdminListGroupsForUser: signed(adminListGroupsForUser),
    AdminInitiateAuth: signed(adminInitiateAuth),
    AdminRespondToAuthChallenge: signed(adminRespondToAuthChallenge),
    SignUp: open(signUp),
    ConfirmSignUp: open(confirmSignUp),
    ResendConfirmationCode: open(resendConfirmationCode),
    ForgotPassword: open(forgotPassword),
    ConfirmForgotPassword: open(confirmForgotPassword),
    InitiateAuth: open(initiateAuth),
    RespondToAuthChallenge: open(respondToAuthChallenge),
    AssociateSoftwareToken: open(associateSoftwareToken),
    VerifySoftwareToken: open(verifySoftwareToken),
    SetUserMFAPreference: open(setUserMfaPreference),
    GetUser: open(getUser),
    ChangePassword: open(changePassword),
    GlobalSignOut: open(globalSignOut),
    RevokeToken: open(revokeToken),
  },
};

function poolOf(state: EmulatorState, poolId: string) {
  return Object.hasOwn(state.cognitoIdp.pools, poolId) ? state.cognitoIdp.pools[poolId] : undefined;
}

/**
 * `GET /<userPoolId>/.well-known/jwks.json | openid-configuration`. The discovery document keeps
 * AWS's issuer (tokens carry it) but points `jwks_uri` at this emulator, where the keys are.
 */
export function serveUserPoolWellKnown(poolId: string, file: string, ctx: ServiceContext): EmulatorResponse {
  const pool = poolOf(ctx.state, poolId);
  if (!pool) throw new AwsError("ResourceNotFoundException", `User pool ${poolId} does not exist.`, 404);
  const body =
    file === "jwks.json"
      ? publicJwks(pool)
      : {
          issuer: issuerOf(poolId),
          jwks_uri: `${ctx.baseUrl}/${poolId}/.well-known/jwks.json`,
          response_types_supported: ["code", "token"],
          subject_types_supported: ["public"],
          id_token_signing_alg_values_supported: ["RS256"],
          scopes_supported: ["openid", "email", "phone", "profile"],
          token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
          claims_supported: [
            "aud",
            "auth_time",
            "cognito:username",
            "email",
            "email_verified",
            "exp",
            "iat",
            "iss",
            "phone_number",
            "phone_number_verified",
            "sub",
            "token_use",
          ],
        };
  return { status: 200, headers: { "content-type": "application/json", "cache-control": "max-age=3600" }, body: JSON.stringify(body) };
}

/** The last code the emulator "sent" to a user (sign-up confirmation, password reset, SMS or email MFA). */
export function lastCodeSent(state: EmulatorState, poolId: string, username: string): { code: string; kind: "confirmation" | "reset" | "mfa" } | undefined {
  const pool = poolOf(state, poolId);
  const last = pool ? findUser(pool, username)?.user.lastCode : undefined;
  return last ? { code: last.code, kind: last.kind } : undefined;
}

/**
 * The public keys (JWKS) a user pool signs its tokens with, for the identity-pool side to verify
 * user-pool ID tokens in process (their issuer is https://cognito-idp.<region>.amazonaws.com/…,
 * which the emulator cannot fetch). undefined when the pool does not exist.
 */
export function userPoolJwks(state: EmulatorState, userPoolId: string): { keys: Record<string, unknown>[] } | undefined {
  const pool = poolOf(state, userPoolId);
  return pool ? publicJwks(pool) : undefined;
}

/** The app client ids of a user pool (an identity pool's CognitoIdentityProviders name them). */
export function userPoolClientIds(state: EmulatorState, userPoolId: string): string[] {
  const pool = poolOf(state, userPoolId);
  return pool ? Object.keys(pool.clients) : [];
}

/**
 * ServerSideTokenCheck: is a verified ID token still good at the user pool? `signed-out` when its
 * sign-in session was revoked (RevokeToken, GlobalSignOut, AdminUserGlobalSignOut) or it predates a
 * global sign-out, `user-deleted` when the user is gone, `disabled` when the user is disabled.
 */
export function userPoolTokenStatus(
  state: EmulatorState,
  userPoolId: string,
  claims: Record<string, unknown>,
): "valid" | "signed-out" | "user-deleted" | "disabled" {
  const pool = poolOf(state, userPoolId);
  const username = claims["cognito:username"] ?? claims["username"];
  const user = pool && typeof username === "string" ? findUser(pool, username)?.user : undefined;
  if (!pool || !user || user.sub !== claims["sub"]) return "user-deleted";
  if (!user.enabled) return "disabled";
  return tokenRevoked(pool, user, claims) ? "signed-out" : "valid";
}
