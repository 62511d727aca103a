/** User-pool state. Owned by emulator/cognito-idp. */
export interface CognitoIdpState {
  pools: Record<string, unknown>;
}
export function emptyCognitoIdpState(): CognitoIdpState {
  return { pools: {} };
}
