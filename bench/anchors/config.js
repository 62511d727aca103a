// A reference entry of the bench (see bench/README.md): measured in the same run and with the same
// esbuild settings as cognito-idpool, so the sizes compare.
// Shared placeholder configuration used by every entry (values are realistic in shape only).
export const REGION = "eu-west-1";
export const IDENTITY_POOL_ID = "eu-west-1:0a1b2c3d-4e5f-6789-abcd-ef0123456789";
export const USER_POOL_ID = "eu-west-1_AbCdEfGhI";
export const USER_POOL_CLIENT_ID = "1example23456789abcdefghij";
export const BUCKET = "my-app-user-files";
export const LOGIN_KEY = `cognito-idp.${REGION}.amazonaws.com/${USER_POOL_ID}`;
