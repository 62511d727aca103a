// One auth object and one S3 client for the whole page. The S3 client is created once with
// `credentials: auth.credentials`; it follows guest → user → guest without being rebuilt.
import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { createAuth } from "cognito-idpool";
import { config } from "./config.js";

export const auth = createAuth({
  identityPoolId: config.identityPoolId,
  region: config.region,
  userPool: {
    userPoolId: config.userPoolId,
    clientId: config.clientId,
    ...(config.loginPages
      ? {
          oauth: {
            domain: config.loginPages.domain,
            redirectUri: config.loginPages.redirectUri,
            logoutUri: config.loginPages.redirectUri,
            // The last scope lets the access token make the user's own account calls, as a password sign-in's does.
            scopes: ["openid", "email", "profile", "aws.cognito.signin.user.admin"],
          },
        }
      : {}),
  },
  ...(config.endpoint ? { endpoint: config.endpoint } : {}),
});

/** An S3 client for the given credentials (the page's by default): path-style against the emulator. */
export function s3Client(credentials: S3ClientConfig["credentials"] = auth.credentials): S3Client {
  return new S3Client({
    region: config.region,
    credentials,
    ...(config.endpoint ? { endpoint: config.endpoint, forcePathStyle: true } : {}),
  });
}

export const s3 = s3Client();
