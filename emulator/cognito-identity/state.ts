/** Identity-pool state. Owned by emulator/cognito-identity. */
export interface CognitoIdentityState {
  pools: Record<string, unknown>;
  identities: Record<string, unknown>;
}
export function emptyCognitoIdentityState(): CognitoIdentityState {
  return { pools: {}, identities: {} };
}
