import { createHmac } from "node:crypto";
import { AwsError } from "../core/errors.js";
import type { EmulatorResponse } from "../core/types.js";
import { respondToAuthChallenge } from "../cognito-idp/auth.js";
import { idpErrors } from "../cognito-idp/errors.js";
import { afterPassword, checkPassword, preAuthentication } from "../cognito-idp/flow.js";
import { findUser } from "../cognito-idp/lookup.js";
import { passwordMatches, srpPoolName } from "../cognito-idp/srp.js";
import type { UserPool, UserPoolClient } from "../cognito-idp/state.js";
import type { ServiceContext } from "../service.js";
import { authorizeParams, type AuthorizeRequest, type OAuthSettings } from "./authorize-request.js";
import { complete, oauthSignIn } from "./complete.js";
import { cookies, escape, formOf, hidden, page, setCookie } from "./http.js";
import { randomId } from "./memory.js";
import { cookiePath, domainBaseUrl } from "./urls.js";

/**
 * The managed login page (`/login`): a username and password form, then the challenges the
 * user-pool flow opens (new password, TOTP, SMS or email codes, choosing an MFA method), answered
 * through the same challenge sessions RespondToAuthChallenge answers. The authorize parameters ride
 * in the form's action URL, as on Cognito; a double-submit CSRF token (cookie `XSRF-TOKEN`, field
 * `_csrf`) guards every POST.
 */

export const CSRF_COOKIE = "XSRF-TOKEN";

export interface LoginContext {
  ctx: ServiceContext;
  domain: string;
  pool: UserPool;
  client: UserPoolClient;
  settings: OAuthSettings;
  request: AuthorizeRequest;
}

/** What the page shows next: the sign-in form or a challenge, with an error from the last attempt. */
interface View {
  error?: string;
  username?: string;
  challenge?: { name: string; session: string; username: string; fields: Record<string, string> };
}

export function loginPage(login: LoginContext): EmulatorResponse {
  return render(login, { ...(login.request.loginHint !== undefined ? { username: login.request.loginHint } : {}) });
}

export async function submitLogin(login: LoginContext): Promise<EmulatorResponse> {
  const { ctx } = login;
  const form = formOf(ctx.request.body);
  const expected = cookies(ctx.request.headers["cookie"])[CSRF_COOKIE];
  if (!expected || form["_csrf"] !== expected) {
    return page("Error", `<p class="error">Invalid or missing CSRF token. Go back to the application and sign in again.</p>`, 403);
  }
  if (form["challenge"] !== undefined) return answerChallenge(login, form);
  return passwordStep(login, form);
}

async function passwordStep(login: LoginContext, form: Record<string, string>): Promise<EmulatorResponse> {
  const { ctx, pool, client, settings } = login;
  const username = form["username"] ?? "";
  const password = form["password"] ?? "";
  if (!settings.providers.includes("COGNITO")) return render(login, { error: "Sign-in with a username and password is not enabled for this app." });
  if (!username || !password) return render(login, { username, error: "Username and password are required." });
  const found = findUser(pool, username);
  // Federated users have no password here; Cognito words every such failure alike.
  if (!found || found.user.status === "EXTERNAL_PROVIDER") {
    return render(login, { username, error: client.preventUserExistenceErrors ? idpErrors.incorrectPassword().message : idpErrors.userNotFound().message });
  }
  const { key, user } = found;
  try {
    if (user.enabled) await preAuthentication({ ctx, pool, client, key, user }, undefined);
    checkPassword(user, ctx.clock.now(), () => user.password !== undefined && passwordMatches(srpPoolName(pool.Id), user.Username, password, user.password));
    const result = await afterPassword(oauthSignIn(ctx, pool, client, key, user, login.request));
    return next(login, result, key);
  } catch (error) {
    if (error instanceof AwsError) return render(login, { username, error: error.message });
    throw error;
  }
}

/** Challenge answers go through RespondToAuthChallenge itself, with the SECRET_HASH the page can compute. */
async function answerChallenge(login: LoginContext, form: Record<string, string>): Promise<EmulatorResponse> {
  const { ctx, pool, client } = login;
  const name = form["challenge"]!;
  const session = form["session"] ?? "";
  const username = form["username"] ?? "";
  const carried = Object.fromEntries(Object.entries(form).filter(([k]) => k.startsWith("carry.")));
  const view = (error: string): View => ({ error, challenge: { name, session, username, fields: carried } });
  const responses: Record<string, string> = { USERNAME: username };
  if (client.ClientSecret)
    responses["SECRET_HASH"] = createHmac("sha256", client.ClientSecret)
      .update(username + client.ClientId)
      .digest("base64");
  const code = (form["code"] ?? "").trim();
  switch (name) {
    case "NEW_PASSWORD_REQUIRED": {
      responses["NEW_PASSWORD"] = form["new_password"] ?? "";
      if (responses["NEW_PASSWORD"] !== form["confirm_password"]) return render(login, view("Passwords do not match."));
      for (const [k, v] of Object.entries(form)) if (k.startsWith("userAttributes.") && v !== "") responses[k] = v;
      break;
    }
    case "SOFTWARE_TOKEN_MFA":
      responses["SOFTWARE_TOKEN_MFA_CODE"] = code;
      break;
    case "SMS_MFA":
      responses["SMS_MFA_CODE"] = code;
      break;
    case "EMAIL_OTP":
      responses["EMAIL_OTP_CODE"] = code;
      break;
    case "SELECT_MFA_TYPE":
      responses["ANSWER"] = form["answer"] ?? "";
      break;
    default:
      return render(login, { error: "This step cannot be completed on the sign-in page." });
  }
  try {
    const result = (await respondToAuthChallenge(
      { ClientId: client.ClientId, ChallengeName: name, Session: session, ChallengeResponses: responses },
      ctx,
    )) as Record<string, unknown>;
    const found = findUser(pool, username);
    if (!found) return render(login, { error: idpErrors.invalidSession().message });
    return next(login, result, found.key);
  } catch (error) {
    if (!(error instanceof AwsError)) throw error;
    // A spent or expired session cannot be answered again: back to the start.
    if (/session/i.test(error.message)) return render(login, { error: error.message });
    return render(login, view(error.message));
  }
}

function next(login: LoginContext, result: Record<string, unknown>, key: string): EmulatorResponse {
  const { ctx, domain, pool, request } = login;
  if (result["AuthenticationResult"]) return complete(ctx, domain, pool, key, pool.users[key]!, request, result);
  const name = result["ChallengeName"] as string;
  const parameters = (result["ChallengeParameters"] ?? {}) as Record<string, string>;
  const fields: Record<string, string> = {};
  if (parameters["CODE_DELIVERY_DESTINATION"]) fields["carry.destination"] = parameters["CODE_DELIVERY_DESTINATION"];
  if (parameters["MFAS_CAN_CHOOSE"]) fields["carry.choices"] = (JSON.parse(parameters["MFAS_CAN_CHOOSE"]) as string[]).join(" ");
  if (parameters["requiredAttributes"]) {
    fields["carry.required"] = (JSON.parse(parameters["requiredAttributes"]) as string[]).map((n) => n.replace(/^userAttributes\./, "")).join(" ");
  }
  return render(login, { challenge: { name, session: result["Session"] as string, username: parameters["USER_ID_FOR_SRP"] ?? "", fields } });
}

// ---- rendering ----

const PROVIDER_LABELS: Record<string, string> = {
  Google: "Continue with Google",
  Facebook: "Continue with Facebook",
  SignInWithApple: "Continue with Apple",
  LoginWithAmazon: "Continue with Amazon",
};

function render(login: LoginContext, view: View): EmulatorResponse {
  const { ctx, domain, settings, request } = login;
  const base = domainBaseUrl(ctx, domain);
  const query = authorizeParams(request).toString();
  const action = `${base}/login?${query}`;
  // One CSRF token per browser: the cookie's, or a new one set now.
  const existing = cookies(ctx.request.headers["cookie"])[CSRF_COOKIE];
  const csrf = existing ?? randomId(24);
  const headers: Record<string, string> = existing ? {} : { "set-cookie": setCookie(CSRF_COOKIE, csrf, cookiePath(ctx, domain)) };
  const error = view.error ? `<p class="error" id="loginErrorMessage">${escape(view.error)}</p>` : "";
  const common = hidden("_csrf", csrf);
  if (view.challenge) {
    const { title, inputs } = challengeInputs(view.challenge.name, view.challenge.fields);
    const carried = Object.entries(view.challenge.fields)
      .map(([k, v]) => hidden(k, v))
      .join("");
    const body = `${error}<form method="post" action="${escape(action)}" name="challenge">${common}${hidden("challenge", view.challenge.name)}${hidden("session", view.challenge.session)}${hidden("username", view.challenge.username)}${carried}${inputs}<button type="submit" name="submit">Submit</button></form>`;
    return page(title, body, 200, headers);
  }
  const providers = settings.providers
    .filter((p) => p !== "COGNITO")
    .map((p) => {
      const params = authorizeParams(request);
      params.set("identity_provider", p);
      return `<p><a class="idp" href="${escape(`${base}/oauth2/authorize?${params.toString()}`)}">${escape(PROVIDER_LABELS[p] ?? `Continue with ${p}`)}</a></p>`;
    })
    .join("");
  const password = settings.providers.includes("COGNITO")
    ? `<form method="post" action="${escape(action)}" name="signin">${common}
<label for="signInFormUsername">Username</label><input id="signInFormUsername" type="text" name="username" autocomplete="username" value="${escape(view.username ?? "")}">
<label for="signInFormPassword">Password</label><input id="signInFormPassword" type="password" name="password" autocomplete="current-password">
<button type="submit" name="signInSubmitButton">Sign in</button></form>`
    : "";
  return page("Sign in", `${error}${providers}${password}`, 200, headers);
}

function challengeInputs(name: string, fields: Record<string, string>): { title: string; inputs: string } {
  const codeInput = `<label for="code">Code</label><input id="code" type="text" name="code" inputmode="numeric" autocomplete="one-time-code">`;
  switch (name) {
    case "NEW_PASSWORD_REQUIRED": {
      const required = (fields["carry.required"] ?? "").split(" ").filter(Boolean);
      const attributes = required
        .map((n) => `<label for="attr-${escape(n)}">${escape(n)}</label><input id="attr-${escape(n)}" type="text" name="userAttributes.${escape(n)}">`)
        .join("");
      return {
        title: "Change password",
        inputs: `<p class="note">Please enter a new password.</p><label for="new_password">New password</label><input id="new_password" type="password" name="new_password" autocomplete="new-password"><label for="confirm_password">Confirm password</label><input id="confirm_password" type="password" name="confirm_password" autocomplete="new-password">${attributes}`,
      };
    }
    case "SOFTWARE_TOKEN_MFA":
      return { title: "Multi-factor authentication", inputs: `<p class="note">Enter the code from your authenticator app.</p>${codeInput}` };
    case "SMS_MFA":
    case "EMAIL_OTP":
      return {
        title: "Multi-factor authentication",
        inputs: `<p class="note">We have sent a code to ${escape(fields["carry.destination"] ?? "you")}. Enter it to sign in.</p>${codeInput}`,
      };
    case "SELECT_MFA_TYPE": {
      const choices = (fields["carry.choices"] ?? "").split(" ").filter(Boolean);
      return {
        title: "Choose a sign-in method",
        inputs: choices.map((c) => `<label><input type="radio" name="answer" value="${escape(c)}"> ${escape(c)}</label>`).join(""),
      };
    }
    default:
      return { title: "Sign in", inputs: `<p class="error">The ${escape(name)} step cannot be completed on this page; sign in through the app instead.</p>` };
  }
}
