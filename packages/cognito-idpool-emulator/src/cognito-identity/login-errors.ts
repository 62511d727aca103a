import { AwsError } from "../core/errors.js";

/** AWS accepts ID tokens up to five minutes past `exp`, an allowance for clock skew. */
export const EXPIRY_GRACE_SECONDS = 300;

export const invalid = (message: string) => new AwsError("NotAuthorizedException", message);
export const notSupported = () => invalid("Token is not from a supported provider of this identity pool.");
