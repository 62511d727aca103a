/**
 * The one AWS account the emulator plays. Every ARN it writes carries this id, and the root
 * credential below signs administrative calls (IAM, CreateIdentityPool, AdminCreateUser, …).
 */
export const ACCOUNT_ID = "000000000000";

/** Root credential: access key `test`, secret `test`; nothing secret about it, the emulator is local. */
export const ROOT_ACCESS_KEY_ID = "test";
export const ROOT_SECRET_ACCESS_KEY = "test";
