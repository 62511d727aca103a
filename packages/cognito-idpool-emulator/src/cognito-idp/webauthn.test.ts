import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import {
  CompleteWebAuthnRegistrationCommand,
  CreateUserPoolClientCommand,
  DeleteWebAuthnCredentialCommand,
  GetUserPoolMfaConfigCommand,
  InitiateAuthCommand,
  ListWebAuthnCredentialsCommand,
  RespondToAuthChallengeCommand,
  SetUserPoolMfaConfigCommand,
  StartWebAuthnRegistrationCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, type TestEmulator } from "../testing/harness.js";
import { createPool, createUser, idpClient, PASSWORD, rejection, verifyToken, type TestPool } from "../../test/idp-harness.js";

let emulator: TestEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.stop());

const RP_ID = "example.com";
const ORIGIN = "https://app.example.com";
const FLOWS = ["ALLOW_USER_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"];

// --- A software authenticator: a P-256 key, CBOR written by hand, ES256 signatures from node:crypto. ---

function cborHead(major: number, length: number): Buffer {
  if (length < 24) return Buffer.from([(major << 5) | length]);
  if (length < 256) return Buffer.from([(major << 5) | 24, length]);
  return Buffer.from([(major << 5) | 25, length >> 8, length & 0xff]);
}
const cborBytes = (bytes: Buffer) => Buffer.concat([cborHead(2, bytes.length), bytes]);
const cborText = (text: string) => Buffer.concat([cborHead(3, Buffer.byteLength(text)), Buffer.from(text)]);
const cborInt = (n: number) => (n >= 0 ? cborHead(0, n) : cborHead(1, -1 - n));
const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest();
const b64url = (data: Buffer | string) => Buffer.from(data).toString("base64url");

interface Ceremony {
  /** Origin written into clientDataJSON. */
  origin?: string;
  /** RP id whose hash goes into authenticatorData. */
  rpId?: string;
  /** Whether the UV flag is set. */
  verified?: boolean;
  /** Challenge signed, instead of the one given. */
  challenge?: string;
}

class SoftAuthenticator {
  private readonly key = generateKeyPairSync("ec", { namedCurve: "P-256" });
  readonly credentialId = randomBytes(16);
  private counter = 0;

  get id(): string {
    return b64url(this.credentialId);
  }

  /** The public key as a COSE_Key map: kty EC2, alg ES256, crv P-256, x, y. */
  private coseKey(): Buffer {
    const jwk = (this.key.publicKey as KeyObject).export({ format: "jwk" });
    const x = Buffer.from(jwk.x!, "base64url");
    const y = Buffer.from(jwk.y!, "base64url");
    return Buffer.concat([
      cborHead(5, 5),
      cborInt(1),
      cborInt(2),
      cborInt(3),
      cborInt(-7),
      cborInt(-1),
      cborInt(1),
      cborInt(-2),
      cborBytes(x),
      cborInt(-3),
      cborBytes(y),
    ]);
  }

  private authData(rpId: string, verified: boolean, attested: boolean): Buffer {
    this.counter += 1;
    const flags = 0x01 | (verified ? 0x04 : 0) | (attested ? 0x40 : 0);
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(this.counter);
    const parts: Buffer[] = [sha256(rpId), Buffer.from([flags]), counter];
    if (attested) {
      const length = Buffer.alloc(2);
      length.writeUInt16BE(this.credentialId.length);
      parts.push(Buffer.alloc(16), length, this.credentialId, this.coseKey());
    }
    return Buffer.concat(parts);
  }

  private clientData(type: string, challenge: string, origin: string): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  }

  /** navigator.credentials.create() answering CredentialCreationOptions, as RegistrationResponseJSON with a "none" attestation. */
  register(options: { challenge: string; rp: { id: string } }, ceremony: Ceremony = {}): Record<string, unknown> {
    const authData = this.authData(ceremony.rpId ?? options.rp.id, ceremony.verified ?? true, true);
    const attestation = Buffer.concat([
      cborHead(5, 3),
      cborText("fmt"),
      cborText("none"),
      cborText("attStmt"),
      cborHead(5, 0),
      cborText("authData"),
      cborBytes(authData),
    ]);
    return {
      id: this.id,
      rawId: this.id,
      type: "public-key",
      authenticatorAttachment: "platform",
      clientExtensionResults: {},
      response: {
        clientDataJSON: b64url(this.clientData("webauthn.create", ceremony.challenge ?? options.challenge, ceremony.origin ?? ORIGIN)),
        attestationObject: b64url(attestation),
        transports: ["internal", "hybrid"],
      },
    };
  }

  /** navigator.credentials.get() answering CREDENTIAL_REQUEST_OPTIONS, as AuthenticationResponseJSON. */
  assert(options: { challenge: string; rpId: string }, ceremony: Ceremony = {}): string {
    const authData = this.authData(ceremony.rpId ?? options.rpId, ceremony.verified ?? true, false);
    const clientData = this.clientData("webauthn.get", ceremony.challenge ?? options.challenge, ceremony.origin ?? ORIGIN);
    const signature = sign("sha256", Buffer.concat([authData, sha256(clientData)]), this.key.privateKey);
    return JSON.stringify({
      id: this.id,
      rawId: this.id,
      type: "public-key",
      authenticatorAttachment: "platform",
      clientExtensionResults: {},
      response: { clientDataJSON: b64url(clientData), authenticatorData: b64url(authData), signature: b64url(signature) },
    });
  }
}

// --- Pools, users and calls ---

/** `rpId` null: the pool allows WEB_AUTHN but has no WebAuthnConfiguration. */
async function passkeyPool(userVerification: "required" | "preferred" = "required", rpId: string | null = RP_ID): Promise<TestPool> {
  const pool = await createPool(
    emulator,
    { Policies: { SignInPolicy: { AllowedFirstAuthFactors: ["PASSWORD", "WEB_AUTHN"] } } },
    { ExplicitAuthFlows: FLOWS as never },
  );
  if (rpId !== null) {
    await idpClient(emulator).send(
      new SetUserPoolMfaConfigCommand({
        UserPoolId: pool.poolId,
        MfaConfiguration: "OFF",
        WebAuthnConfiguration: { RelyingPartyId: rpId, UserVerification: userVerification },
      }),
    );
  }
  return pool;
}

async function accessToken(pool: TestPool, username: string, clientId = pool.clientId): Promise<string> {
  const result = await idpClient(emulator).send(
    new InitiateAuthCommand({ ClientId: clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: username, PASSWORD } }),
  );
  return result.AuthenticationResult!.AccessToken!;
}

async function start(token: string): Promise<{ challenge: string; rp: { id: string } } & Record<string, unknown>> {
  const started = await idpClient(emulator).send(new StartWebAuthnRegistrationCommand({ AccessToken: token }));
  return started.CredentialCreationOptions as never;
}

function complete(token: string, credential: Record<string, unknown>) {
  return idpClient(emulator).send(new CompleteWebAuthnRegistrationCommand({ AccessToken: token, Credential: credential as never }));
}

async function register(token: string, authenticator: SoftAuthenticator): Promise<void> {
  await complete(token, authenticator.register(await start(token)));
}

function list(token: string, page: { MaxResults?: number; NextToken?: string } = {}) {
  return idpClient(emulator).send(new ListWebAuthnCredentialsCommand({ AccessToken: token, ...page }));
}

/** USER_AUTH with PREFERRED_CHALLENGE WEB_AUTHN, returning the challenge's session and request options. */
async function webAuthnChallenge(pool: TestPool, username: string) {
  const started = await idpClient(emulator).send(
    new InitiateAuthCommand({ ClientId: pool.clientId, AuthFlow: "USER_AUTH", AuthParameters: { USERNAME: username, PREFERRED_CHALLENGE: "WEB_AUTHN" } }),
  );
  expect(started.ChallengeName).toBe("WEB_AUTHN");
  const options = JSON.parse(started.ChallengeParameters!["CREDENTIAL_REQUEST_OPTIONS"]!) as {
    challenge: string;
    rpId: string;
    allowCredentials: { type: string; id: string; transports: string[] }[];
    userVerification: string;
  };
  return { session: started.Session!, options };
}

function answer(pool: TestPool, username: string, session: string, credential: string) {
  return idpClient(emulator).send(
    new RespondToAuthChallengeCommand({
      ClientId: pool.clientId,
      ChallengeName: "WEB_AUTHN",
      Session: session,
      ChallengeResponses: { USERNAME: username, CREDENTIAL: credential },
    }),
  );
}

describe("the software authenticator the tests use", () => {
  it("encodes CBOR as RFC 8949 does", () => {
    expect(cborInt(-7).toString("hex")).toBe("26");
    expect(cborInt(24).toString("hex")).toBe("1818");
    expect(cborText("fmt").toString("hex")).toBe("63666d74");
    expect(cborBytes(Buffer.alloc(300)).subarray(0, 3).toString("hex")).toBe("59012c");
  });
});

describe("passkeys (WebAuthn)", () => {
  it("keeps the pool's WebAuthnConfiguration (GetUserPoolMfaConfig)", async () => {
    const pool = await passkeyPool("required");
    const config = await idpClient(emulator).send(new GetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId }));
    expect(config.WebAuthnConfiguration).toEqual({ RelyingPartyId: RP_ID, UserVerification: "required" });
  });

  it("registers a passkey, lists it, signs in with it under USER_AUTH, and refuses it once deleted", async () => {
    const pool = await passkeyPool("required");
    await createUser(emulator, pool.poolId, "kim", { email: "kim@example.com" });
    const token = await accessToken(pool, "kim");
    const authenticator = new SoftAuthenticator();

    const options = await start(token);
    expect(options).toMatchObject({
      rp: { id: RP_ID },
      user: { name: "kim@example.com" },
      pubKeyCredParams: expect.arrayContaining([{ type: "public-key", alg: -7 }]),
      authenticatorSelection: { residentKey: "required", userVerification: "required" },
      excludeCredentials: [],
    });
    expect(options.challenge).toMatch(/^[\w-]{16,}$/);
    expect(await complete(token, authenticator.register(options))).toMatchObject({ $metadata: { httpStatusCode: 200 } });

    const listed = await list(token);
    expect(listed.Credentials).toEqual([
      {
        CredentialId: authenticator.id,
        FriendlyCredentialName: "Passkey",
        RelyingPartyId: RP_ID,
        AuthenticatorAttachment: "platform",
        AuthenticatorTransports: ["internal", "hybrid"],
        CreatedAt: expect.any(Date),
      },
    ]);
    expect(listed.NextToken).toBeUndefined();
    // The next registration is told not to make the same credential again.
    expect((await start(token)).excludeCredentials).toEqual([{ type: "public-key", id: authenticator.id, transports: ["internal", "hybrid"] }]);

    const choice = await idpClient(emulator).send(
      new InitiateAuthCommand({ ClientId: pool.clientId, AuthFlow: "USER_AUTH", AuthParameters: { USERNAME: "kim" } }),
    );
    expect(choice.AvailableChallenges).toEqual(["PASSWORD", "PASSWORD_SRP", "WEB_AUTHN"]);
    const { session, options: request } = await webAuthnChallenge(pool, "kim");
    expect(request).toMatchObject({ rpId: RP_ID, userVerification: "required", allowCredentials: [{ type: "public-key", id: authenticator.id }] });
    const signedIn = await answer(pool, "kim", session, authenticator.assert(request));
    const claims = await verifyToken(emulator, pool.poolId, signedIn.AuthenticationResult!.IdToken!, { audience: pool.clientId });
    expect(claims["cognito:username"]).toBe("kim");

    const pending = await webAuthnChallenge(pool, "kim");
    await idpClient(emulator).send(new DeleteWebAuthnCredentialCommand({ AccessToken: token, CredentialId: authenticator.id }));
    expect((await list(token)).Credentials).toEqual([]);
    expect(await rejection(answer(pool, "kim", pending.session, authenticator.assert(pending.options)))).toBe(
      "NotAuthorizedException: The passkey is not registered for this user.",
    );
    const after = await idpClient(emulator).send(
      new InitiateAuthCommand({ ClientId: pool.clientId, AuthFlow: "USER_AUTH", AuthParameters: { USERNAME: "kim", PREFERRED_CHALLENGE: "WEB_AUTHN" } }),
    );
    expect(after).toMatchObject({ ChallengeName: "SELECT_CHALLENGE", AvailableChallenges: ["PASSWORD", "PASSWORD_SRP"] });
    expect(await rejection(idpClient(emulator).send(new DeleteWebAuthnCredentialCommand({ AccessToken: token, CredentialId: authenticator.id })))).toMatch(
      /^ResourceNotFoundException: /,
    );
  });

  it("refuses registrations from a foreign origin, for another relying party, for an unknown or spent challenge, or without required user verification", async () => {
    const pool = await passkeyPool("required");
    await createUser(emulator, pool.poolId, "lee");
    const token = await accessToken(pool, "lee");
    const authenticator = new SoftAuthenticator();
    const attempt = async (ceremony: Ceremony) => rejection(complete(token, authenticator.register(await start(token), ceremony)));

    expect(await attempt({ origin: "https://evil.test" })).toBe(
      "WebAuthnOriginNotAllowedException: The passkey origin https://evil.test does not belong to the user pool's relying party id.",
    );
    // A look-alike host, and plain http away from localhost, are not the relying party's either.
    expect(await attempt({ origin: "https://notexample.com" })).toMatch(/^WebAuthnOriginNotAllowedException: /);
    expect(await attempt({ origin: "http://app.example.com" })).toMatch(/^WebAuthnOriginNotAllowedException: /);
    expect(await attempt({ rpId: "other.example" })).toBe(
      "WebAuthnRelyingPartyMismatchException: The passkey credential is for a different relying party than the user pool's relying party id.",
    );
    expect(await attempt({ challenge: b64url(randomBytes(32)) })).toBe(
      "WebAuthnChallengeNotFoundException: The passkey registration challenge was not found or has expired.",
    );
    expect(await attempt({ verified: false })).toMatch(/^WebAuthnCredentialNotSupportedException: .*User verification was required/);
    expect((await list(token)).Credentials).toEqual([]);

    // A registration answered twice: the second finds no challenge.
    const response = authenticator.register(await start(token));
    await complete(token, response);
    expect(await rejection(complete(token, response))).toMatch(/^WebAuthnChallengeNotFoundException: /);
    // Nor does one whose ceremony ran out.
    const late = authenticator.register(await start(token));
    emulator.core.clock.offsetMs = 10 * 60_000;
    try {
      expect(await rejection(complete(token, late))).toMatch(/^WebAuthnChallengeNotFoundException: /);
    } finally {
      emulator.core.clock.offsetMs = 0;
    }
  });

  it("accepts a credential without user verification when the pool only prefers it, and an http://localhost origin for RP id localhost", async () => {
    const pool = await passkeyPool("preferred", "localhost");
    await createUser(emulator, pool.poolId, "dev");
    const token = await accessToken(pool, "dev");
    const authenticator = new SoftAuthenticator();
    await complete(token, authenticator.register(await start(token), { origin: "http://localhost:5173", verified: false }));
    const { session, options } = await webAuthnChallenge(pool, "dev");
    const done = await answer(pool, "dev", session, authenticator.assert(options, { origin: "http://localhost:5173", verified: false }));
    expect(done.AuthenticationResult?.AccessToken).toBeTruthy();
  });

  it("refuses assertions from a foreign origin, without required user verification, or for another challenge; a session signs in once", async () => {
    const pool = await passkeyPool("required");
    await createUser(emulator, pool.poolId, "ray");
    const authenticator = new SoftAuthenticator();
    await register(await accessToken(pool, "ray"), authenticator);

    const { session, options } = await webAuthnChallenge(pool, "ray");
    expect(await rejection(answer(pool, "ray", session, authenticator.assert(options, { origin: "https://evil.test" })))).toBe(
      "NotAuthorizedException: The passkey origin https://evil.test does not belong to the user pool's relying party id.",
    );
    expect(await rejection(answer(pool, "ray", session, authenticator.assert(options, { verified: false })))).toMatch(
      /^NotAuthorizedException: The passkey assertion was not accepted: User verification required/,
    );
    expect(await rejection(answer(pool, "ray", session, authenticator.assert(options, { challenge: b64url(randomBytes(32)) })))).toBe(
      "NotAuthorizedException: The passkey assertion does not answer this session's challenge.",
    );
    expect(await rejection(answer(pool, "ray", session, authenticator.assert(options, { rpId: "other.example" })))).toBe(
      "NotAuthorizedException: The passkey is for a different relying party than the user pool's.",
    );
    // The refusals left the session open; a good assertion signs in, and only once.
    const good = authenticator.assert(options);
    expect((await answer(pool, "ray", session, good)).AuthenticationResult).toBeDefined();
    expect(await rejection(answer(pool, "ray", session, good))).toBe("NotAuthorizedException: Invalid session for the user, session can only be used once.");
    // Replayed into a new session, the old assertion answers the wrong challenge.
    const next = await webAuthnChallenge(pool, "ray");
    expect(await rejection(answer(pool, "ray", next.session, good))).toBe(
      "NotAuthorizedException: The passkey assertion does not answer this session's challenge.",
    );
  });

  it("pages ListWebAuthnCredentials", async () => {
    const pool = await passkeyPool();
    await createUser(emulator, pool.poolId, "two");
    const token = await accessToken(pool, "two");
    const [first, second] = [new SoftAuthenticator(), new SoftAuthenticator()];
    await register(token, first);
    await register(token, second);
    const page1 = await list(token, { MaxResults: 1 });
    expect(page1.Credentials!.map((c) => c.CredentialId)).toEqual([first.id]);
    expect(page1.NextToken).toBeTruthy();
    const page2 = await list(token, { MaxResults: 1, NextToken: page1.NextToken! });
    expect(page2.Credentials!.map((c) => c.CredentialId)).toEqual([second.id]);
    expect(page2.NextToken).toBeUndefined();
  });

  it("answers StartWebAuthnRegistration with WebAuthnNotEnabledException and WebAuthnConfigurationMissingException, and completion from another client with WebAuthnClientMismatchException", async () => {
    const idp = idpClient(emulator);
    const off = await createPool(emulator, {}, { ExplicitAuthFlows: FLOWS as never });
    await createUser(emulator, off.poolId, "nil");
    expect(await rejection(start(await accessToken(off, "nil")))).toMatch(/^WebAuthnNotEnabledException: /);

    const unconfigured = await passkeyPool("preferred", null);
    await createUser(emulator, unconfigured.poolId, "nil");
    expect(await rejection(start(await accessToken(unconfigured, "nil")))).toMatch(/^WebAuthnConfigurationMissingException: /);

    const pool = await passkeyPool();
    await createUser(emulator, pool.poolId, "cam");
    const other = await idp.send(new CreateUserPoolClientCommand({ UserPoolId: pool.poolId, ClientName: "other", ExplicitAuthFlows: FLOWS as never }));
    const response = new SoftAuthenticator().register(await start(await accessToken(pool, "cam")));
    expect(await rejection(complete(await accessToken(pool, "cam", other.UserPoolClient!.ClientId!), response))).toMatch(/^WebAuthnClientMismatchException: /);
  });
});
