import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { REGION, ROOT_CREDENTIALS } from "../src/testing/harness.js";

/**
 * A user pool in the emulator, set up and signed into through the AWS SDK's user-pool client, for
 * the identity-pool tests that take user-pool ID tokens as logins.
 */
export interface TestUserPool {
  idp: CognitoIdentityProviderClient;
  poolId: string;
  /** The `Logins` key and CognitoIdentityProviders ProviderName: `cognito-idp.<region>.amazonaws.com/<poolId>`. */
  providerName: string;
  /** Creates an app client allowing password sign-in. */
  addClient(name: string): Promise<string>;
  /** Creates a confirmed user with a permanent password. */
  addUser(username: string): Promise<void>;
  /** Signs in with USER_PASSWORD_AUTH; returns the ID and access tokens. */
  signIn(clientId: string, username: string): Promise<{ idToken: string; accessToken: string }>;
}

const PASSWORD = "Identity-t3st!pw";

export async function createUserPool(url: string): Promise<TestUserPool> {
  const idp = new CognitoIdentityProviderClient({ endpoint: url, region: REGION, credentials: ROOT_CREDENTIALS, maxAttempts: 1 });
  const { UserPool } = await idp.send(new CreateUserPoolCommand({ PoolName: "identity-tests" }));
  const poolId = UserPool!.Id!;
  return {
    idp,
    poolId,
    providerName: `cognito-idp.${REGION}.amazonaws.com/${poolId}`,
    async addClient(ClientName) {
      const { UserPoolClient } = await idp.send(
        new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName, ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] }),
      );
      return UserPoolClient!.ClientId!;
    },
    async addUser(Username) {
      await idp.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username, MessageAction: "SUPPRESS" }));
      await idp.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username, Password: PASSWORD, Permanent: true }));
    },
    async signIn(ClientId, USERNAME) {
      const { AuthenticationResult } = await idp.send(
        new InitiateAuthCommand({ ClientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME, PASSWORD } }),
      );
      return { idToken: AuthenticationResult!.IdToken!, accessToken: AuthenticationResult!.AccessToken! };
    },
  };
}
