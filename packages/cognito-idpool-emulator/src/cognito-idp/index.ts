import { AwsError } from "../core/errors.js";
import type { EmulatorResponse } from "../core/types.js";
import type { JsonOperation, JsonService, ServiceContext } from "../service.js";
import { associateSoftwareToken, changePassword, getUser, globalSignOut, revokeToken, setUserMfaPreference, verifySoftwareToken } from "./account.js";
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
import { createUserPoolClientOperation, deleteUserPoolClientOperation, describeUserPoolClientOperation, updateUserPoolClientOperation } from "./clients.js";
import {
  createUserPoolOperation,
  deleteUserPoolOperation,
  describeUserPoolOperation,
  getUserPoolMfaConfigOperation,
  setUserPoolMfaConfigOperation,
  updateUserPoolOperation,
} from "./pools.js";
import { getTokensFromRefreshToken } from "./refresh.js";
import {
  adminForgetDevice,
  adminGetDevice,
  adminListDevices,
  adminUpdateDeviceStatus,
  confirmDevice,
  forgetDevice,
  getDevice,
  listDevices,
  updateDeviceStatus,
} from "./devices.js";
import { deleteUser, deleteUserAttributes, getUserAttributeVerificationCode, updateUserAttributes, verifyUserAttribute } from "./self-service.js";
import { adminConfirmSignUp, confirmForgotPassword, confirmSignUp, forgotPassword, resendConfirmationCode, signUp } from "./signup.js";
import { poolOf } from "./queries.js";
import { createUserPoolDomain, deleteUserPoolDomain, describeUserPoolDomain, updateUserPoolDomain } from "./domains.js";
import {
  createIdentityProvider,
  deleteIdentityProvider,
  describeIdentityProvider,
  listIdentityProviders,
  updateIdentityProvider,
} from "./identity-providers.js";
import { completeWebAuthnRegistration, deleteWebAuthnCredential, listWebAuthnCredentials, startWebAuthnRegistration } from "./webauthn.js";
import { issuerOf, publicJwks } from "./tokens.js";
import type { UserPool } from "./state.js";
import { domainBaseUrl } from "../hosted-ui/urls.js";

export { lastCodeSent, userPoolClientIds, userPoolJwks, userPoolTokenStatus } from "./queries.js";
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
    UpdateUserPool: signed(updateUserPoolOperation),
    DeleteUserPool: signed(deleteUserPoolOperation),
    SetUserPoolMfaConfig: signed(setUserPoolMfaConfigOperation),
    GetUserPoolMfaConfig: signed(getUserPoolMfaConfigOperation),
    CreateUserPoolClient: signed(createUserPoolClientOperation),
    DescribeUserPoolClient: signed(describeUserPoolClientOperation),
    UpdateUserPoolClient: signed(updateUserPoolClientOperation),
    DeleteUserPoolClient: signed(deleteUserPoolClientOperation),
    CreateUserPoolDomain: signed(createUserPoolDomain),
    DescribeUserPoolDomain: signed(describeUserPoolDomain),
    UpdateUserPoolDomain: signed(updateUserPoolDomain),
    DeleteUserPoolDomain: signed(deleteUserPoolDomain),
    CreateIdentityProvider: signed(createIdentityProvider),
    DescribeIdentityProvider: signed(describeIdentityProvider),
    UpdateIdentityProvider: signed(updateIdentityProvider),
    DeleteIdentityProvider: signed(deleteIdentityProvider),
    ListIdentityProviders: signed(listIdentityProviders),
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
    AdminGetDevice: signed(adminGetDevice),
    AdminListDevices: signed(adminListDevices),
    AdminForgetDevice: signed(adminForgetDevice),
    AdminUpdateDeviceStatus: signed(adminUpdateDeviceStatus),
    SignUp: open(signUp),
    ConfirmSignUp: open(confirmSignUp),
    ResendConfirmationCode: open(resendConfirmationCode),
    ForgotPassword: open(forgotPassword),
    ConfirmForgotPassword: open(confirmForgotPassword),
    InitiateAuth: open(initiateAuth),
    RespondToAuthChallenge: open(respondToAuthChallenge),
    GetTokensFromRefreshToken: open(getTokensFromRefreshToken),
    AssociateSoftwareToken: open(associateSoftwareToken),
    VerifySoftwareToken: open(verifySoftwareToken),
    SetUserMFAPreference: open(setUserMfaPreference),
    GetUser: open(getUser),
    ChangePassword: open(changePassword),
    UpdateUserAttributes: open(updateUserAttributes),
    GetUserAttributeVerificationCode: open(getUserAttributeVerificationCode),
    VerifyUserAttribute: open(verifyUserAttribute),
    DeleteUserAttributes: open(deleteUserAttributes),
    DeleteUser: open(deleteUser),
    GlobalSignOut: open(globalSignOut),
    RevokeToken: open(revokeToken),
    StartWebAuthnRegistration: open(startWebAuthnRegistration),
    CompleteWebAuthnRegistration: open(completeWebAuthnRegistration),
    ListWebAuthnCredentials: open(listWebAuthnCredentials),
    DeleteWebAuthnCredential: open(deleteWebAuthnCredential),
    ConfirmDevice: open(confirmDevice),
    UpdateDeviceStatus: open(updateDeviceStatus),
    GetDevice: open(getDevice),
    ListDevices: open(listDevices),
    ForgetDevice: open(forgetDevice),
  },
};

/**
 * `GET /<userPoolId>/.well-known/jwks.json | openid-configuration`. The discovery document keeps
 * AWS's issuer (tokens carry it) but points `jwks_uri` at this emulator, where the keys are. A pool
 * with a domain also lists the OAuth endpoints AWS publishes for it (no end_session_endpoint: AWS
 * does not publish its /logout there), served by hosted-ui/.
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
          ...oauthEndpoints(pool, ctx),
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

function oauthEndpoints(pool: UserPool, ctx: ServiceContext): Record<string, string> {
  if (!pool.domain) return {};
  const base = domainBaseUrl(ctx, pool.domain.Domain);
  return {
    authorization_endpoint: `${base}/oauth2/authorize`,
    token_endpoint: `${base}/oauth2/token`,
    userinfo_endpoint: `${base}/oauth2/userInfo`,
    revocation_endpoint: `${base}/oauth2/revoke`,
  };
}
