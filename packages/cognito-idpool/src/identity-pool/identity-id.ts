const IDENTITY_ID = /^[\w-]+:[0-9a-f-]+$/;

/** Whether `value` has the form of a Cognito identity id (`<region>:<lower-case uuid>`). */
export function isIdentityId(value: unknown): value is string {
  return typeof value === "string" && value.length <= 55 && IDENTITY_ID.test(value);
}
