import { AwsError } from "../core/errors.js";
import { identityProviders } from "./identity-providers.js";
import { idpErrors } from "./errors.js";
import type { UserPool } from "./state.js";

/**
 * The OAuth members of CreateUserPoolClient / UpdateUserPoolClient, checked as AWS checks them so
 * a client that managed login (hosted-ui/) serves locally would also be accepted by AWS. They are
 * stored as given (clients.ts echoes them) and read by hosted-ui/authorize-request.ts.
 */

const FLOWS = ["code", "implicit", "client_credentials"];
/** The scopes Cognito defines; others belong to resource servers, which the emulator does not model. */
const STANDARD_SCOPES = ["openid", "email", "phone", "profile", "aws.cognito.signin.user.admin"];

function list(input: Record<string, unknown>, name: string): string[] | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) throw idpErrors.invalidParameter(`${name} must be a list of strings.`);
  return value as string[];
}

/** AWS takes https URLs, app schemes (`myapp://`), and plain http only for localhost; never a fragment. */
function checkUrl(url: string, member: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw idpErrors.invalidParameter(`Invalid ${member}: ${url} is not an absolute URL.`);
  }
  if (parsed.hash || url.includes("#")) throw idpErrors.invalidParameter(`Invalid ${member}: ${url} must not have a fragment.`);
  if (parsed.protocol === "http:" && parsed.hostname !== "localhost") {
    // [INF] AWS refuses http except for localhost; the wording is the emulator's.
    throw idpErrors.invalidParameter(`Invalid ${member}: ${url} must use https (http is allowed for localhost only).`);
  }
}

export function checkOAuthSettings(pool: UserPool, input: Record<string, unknown>, hasSecret: boolean): void {
  const enabled = input["AllowedOAuthFlowsUserPoolClient"];
  if (enabled !== undefined && typeof enabled !== "boolean") throw idpErrors.invalidParameter("AllowedOAuthFlowsUserPoolClient must be a boolean.");
  const flows = list(input, "AllowedOAuthFlows") ?? [];
  const scopes = list(input, "AllowedOAuthScopes") ?? [];
  const callbacks = list(input, "CallbackURLs") ?? [];
  const logouts = list(input, "LogoutURLs") ?? [];
  const providers = list(input, "SupportedIdentityProviders") ?? [];
  for (const flow of flows) if (!FLOWS.includes(flow)) throw idpErrors.invalidParameter(`AllowedOAuthFlows contains an invalid value: ${flow}`);
  for (const scope of scopes) if (!STANDARD_SCOPES.includes(scope)) throw new AwsError("ScopeDoesNotExistException", `Invalid scope requested: ${scope}`);
  for (const url of callbacks) checkUrl(url, "CallbackURL");
  for (const url of logouts) checkUrl(url, "LogoutURL");
  const defaultRedirect = input["DefaultRedirectURI"];
  if (typeof defaultRedirect === "string" && !callbacks.includes(defaultRedirect))
    throw idpErrors.invalidParameter("DefaultRedirectURI must be one of the CallbackURLs.");
  for (const provider of providers) {
    if (provider === "COGNITO") continue;
    if (!Object.hasOwn(identityProviders(pool), provider)) throw idpErrors.invalidParameter(`The provider ${provider} does not exist for User Pool ${pool.Id}`);
  }
  if (enabled === true) {
    if (flows.length === 0 || scopes.length === 0) {
      throw idpErrors.invalidParameter("AllowedOAuthFlows and AllowedOAuthScopes are required if user pool client is allowed to use OAuth flows.");
    }
    if (flows.includes("client_credentials") && flows.length > 1) {
      throw new AwsError("InvalidOAuthFlowException", "client_credentials flow can not be selected if authorization code or implicit flow is selected.");
    }
    if (flows.includes("client_credentials") && !hasSecret) {
      throw new AwsError("InvalidOAuthFlowException", "client_credentials flow can not be selected if client does not have a client secret.");
    }
    if ((flows.includes("code") || flows.includes("implicit")) && callbacks.length === 0) {
      throw idpErrors.invalidParameter("CallbackURLs can not be empty if the code or implicit flow is allowed.");
    }
  }
}
