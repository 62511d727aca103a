// Copied unchanged (but for these two lines) from the team's bundle-size anchors, ../shared/bench/bundle-anchors/entries/config.js
// (see ../shared/research/bundle-anchors.md), so `npm run bench` measures them in the same run as cognito-idpool.
// Shared placeholder configuration used by every entry (values are realistic in shape only).
export const REGION = "eu-west-1";
export const IDENTITY_POOL_ID = "eu-west-1:0a1b2c3d-4e5f-6789-abcd-ef0123456789";
export const USER_POOL_ID = "eu-west-1_AbCdEfGhI";
export const USER_POOL_CLIENT_ID = "1example23456789abcdefghij";
export const BUCKET = "my-app-user-files";
export const LOGIN_KEY = `cognito-idp.${REGION}.amazonaws.com/${USER_POOL_ID}`;
