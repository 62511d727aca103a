import { AwsError } from "./errors.js";
import type { SigV4Failure } from "./sigv4.js";
import type { EmulatorResponse, XmlValue } from "./types.js";

// ---- awsJson 1.1 (Cognito Identity, Cognito user pools) ----

export function jsonSuccess(body: unknown, requestId: string): EmulatorResponse {
  return {
    status: 200,
    headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": requestId },
    body: JSON.stringify(body ?? {}),
  };
}

/** Both header and body carry the code: v3 reads the body first, Amplify and v2 the header. */
export function jsonError(error: AwsError, requestId: string): EmulatorResponse {
  return {
    status: error.status,
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amzn-requestid": requestId,
      "x-amzn-errortype": `${error.type}:`,
      "x-amzn-errormessage": headerSafe(error.message),
    },
    body: JSON.stringify({ __type: error.type, message: error.message }),
  };
}

export function jsonAuthError(failure: SigV4Failure): AwsError {
  switch (failure) {
    case "missing":
      return new AwsError("MissingAuthenticationTokenException", "Missing Authentication Token", 400);
    case "unknown-key":
    case "bad-token":
      return new AwsError("UnrecognizedClientException", "The security token included in the request is invalid.", 400);
    case "expired":
      return new AwsError("ExpiredTokenException", "The security token included in the request is expired", 400);
    case "skewed":
      return new AwsError("InvalidSignatureException", "Signature expired: the request time is more than 15 minutes from the server time.", 400);
    case "malformed":
      return new AwsError("IncompleteSignatureException", "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.", 400);
    default:
      return new AwsError(
        "InvalidSignatureException",
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
        400,
      );
  }
}

// ---- query protocol (IAM, STS) ----

export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[c]!);
}

/** Objects become elements, arrays become `<member>` lists, as the query protocol serializes them. */
export function toXml(value: XmlValue): string {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.map((item) => `<member>${toXml(item)}</member>`).join("");
  if (typeof value === "object") {
    return Object.entries(value)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => `<${k}>${toXml(v)}</${k}>`)
      .join("");
  }
  return escapeXml(String(value));
}

export function querySuccess(action: string, xmlns: string, result: XmlValue, requestId: string): EmulatorResponse {
  const inner = result === undefined || result === null ? "" : `<${action}Result>${toXml(result)}</${action}Result>`;
  return {
    status: 200,
    headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
    body: `<${action}Response xmlns="${xmlns}">${inner}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
  };
}

export function queryError(error: AwsError, xmlns: string, requestId: string): EmulatorResponse {
  const kind = error.status >= 500 ? "Receiver" : "Sender";
  return {
    status: error.status,
    headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
    body: `<ErrorResponse xmlns="${xmlns}"><Error><Type>${kind}</Type><Code>${escapeXml(error.type)}</Code><Message>${escapeXml(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
  };
}

export function queryAuthError(failure: SigV4Failure): AwsError {
  switch (failure) {
    case "missing":
      return new AwsError("MissingAuthenticationToken", "Request is missing Authentication Token", 403);
    case "unknown-key":
    case "bad-token":
      return new AwsError("InvalidClientTokenId", "The security token included in the request is invalid.", 403);
    case "expired":
      return new AwsError("ExpiredToken", "The security token included in the request is expired", 403);
    case "skewed":
      return new AwsError("SignatureDoesNotMatch", "Signature expired: the request time is more than 15 minutes from the server time.", 403);
    case "malformed":
      return new AwsError("IncompleteSignature", "Request must contain a signature that conforms to AWS standards", 400);
    default:
      return new AwsError(
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
        403,
      );
  }
}

// ---- S3 REST-XML ----

export function s3Error(error: AwsError, requestId: string): EmulatorResponse {
  const extra = Object.entries(error.extra)
    .map(([k, v]) => `<${k}>${escapeXml(v)}</${k}>`)
    .join("");
  return {
    status: error.status,
    headers: { "content-type": "application/xml", "x-amz-request-id": requestId },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(error.type)}</Code><Message>${escapeXml(error.message)}</Message>${extra}<RequestId>${requestId}</RequestId></Error>`,
  };
}

export function s3AuthError(failure: SigV4Failure): AwsError {
  switch (failure) {
    case "missing":
      return new AwsError("AccessDenied", "Access Denied", 403);
    case "unknown-key":
      return new AwsError("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", 403);
    case "bad-token":
      return new AwsError("InvalidToken", "The provided token is malformed or otherwise invalid.", 400);
    case "expired":
      return new AwsError("ExpiredToken", "The provided token has expired.", 400);
    case "skewed":
      return new AwsError("RequestTimeTooSkewed", "The difference between the request time and the current time is too large.", 403);
    case "presign-expired":
      return new AwsError("AccessDenied", "Request has expired", 403);
    case "malformed":
      return new AwsError("AuthorizationHeaderMalformed", "The authorization header is malformed.", 400);
    default:
      return new AwsError(
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
        403,
      );
  }
}

/** HTTP header values cannot carry newlines or non-Latin-1 text. */
function headerSafe(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, "?");
}
