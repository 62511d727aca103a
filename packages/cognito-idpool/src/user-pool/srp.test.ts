/**
 * Our SRP against amazon-cognito-identity-js, AWS's own client, as the reference: same secret `a`,
 * salt, server `B`, secret block and timestamp must give the same SRP_A and the same
 * PASSWORD_CLAIM_SIGNATURE, byte for byte.
 */
import { createRequire } from "node:module";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CognitoIdpoolError } from "../errors.js";
import { formatSrpTimestamp, padHex, startSrp } from "./srp.js";

const require = createRequire(import.meta.url);

interface RefBigInteger {
  toString(radix: number): string;
}
interface Reference {
  AuthenticationHelper: {
    new (poolName: string): { padHex(value: RefBigInteger): string };
    prototype: { generateRandomSmallA(): RefBigInteger };
  };
  AuthenticationDetails: new (data: { Username: string; Password: string }) => unknown;
  CognitoUserPool: new (data: { UserPoolId: string; ClientId: string }) => unknown;
  CognitoUser: new (data: { Username: string; Pool: unknown }) => {
    client: { request(operation: string, params: any, callback: (error: unknown, data?: unknown) => void): void };
    authenticateUser(details: unknown, callbacks: { onSuccess(): void; onFailure(error: unknown): void }): void;
  };
  DateHelper: new () => { getNowString(): string };
}
const reference = require("amazon-cognito-identity-js") as Reference;
const RefBig = require("amazon-cognito-identity-js/lib/BigInteger.js").default as new (hex: string, radix: number) => RefBigInteger;

const POOL_ID = "eu-west-1_Abc123XYZ";
const POOL_NAME = "Abc123XYZ";

/** Runs amazon-cognito-identity-js's real USER_SRP_AUTH code with a scripted server and returns what it sent. */
async function referenceExchange(input: {
  smallAHex: string;
  username: string;
  userIdForSrp: string;
  password: string;
  srpB: string;
  salt: string;
  secretBlock: string;
}) {
  const spy = vi.spyOn(reference.AuthenticationHelper.prototype, "generateRandomSmallA").mockReturnValue(new RefBig(input.smallAHex, 16));
  try {
    const pool = new reference.CognitoUserPool({ UserPoolId: POOL_ID, ClientId: "client123" });
    const user = new reference.CognitoUser({ Username: input.username, Pool: pool });
    const sent: Record<string, any> = {};
    await new Promise<void>((resolve) => {
      user.client.request = (operation, params, callback) => {
        sent[operation] = params;
        if (operation === "InitiateAuth") {
          callback(null, {
            ChallengeName: "PASSWORD_VERIFIER",
            Session: "session-1",
            ChallengeParameters: { USER_ID_FOR_SRP: input.userIdForSrp, SRP_B: input.srpB, SALT: input.salt, SECRET_BLOCK: input.secretBlock },
          });
        } else {
          callback(new Error("stop here"));
          resolve();
        }
      };
      user.authenticateUser(new reference.AuthenticationDetails({ Username: input.username, Password: input.password }), {
        onSuccess: resolve,
        onFailure: () => resolve(),
      });
    });
    return {
      srpA: sent["InitiateAuth"].AuthParameters.SRP_A as string,
      responses: sent["RespondToAuthChallenge"].ChallengeResponses as Record<string, string>,
    };
  } finally {
    spy.mockRestore();
  }
}

function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, "0")).join("");
}

function base64(bytes: number): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(bytes))));
}

afterEach(() => {
  vi.useRealTimers();
});

// The reference's BigInteger is slow on a busy machine; these are not timing tests.
describe("SRP against amazon-cognito-identity-js", { timeout: 30_000 }, () => {
  const fixed = {
    smallAHex: "9f".repeat(128),
    username: "alice",
    userIdForSrp: "6d1f0a2e-1111-4b7e-9c55-3c1e2f9a0b7d",
    password: "Correct-horse-9!",
    // A B below N and a salt whose top bit is set (so padHex must add 00).
    srpB: "5c3a" + "17".repeat(380),
    salt: "c1a5e5a17d6b2f0f99a1c1a5e5a17d6b",
    secretBlock: base64(64),
  };

  it("sends the same SRP_A and PASSWORD_CLAIM_SIGNATURE for fixed a, salt, B and timestamp", async () => {
    const ref = await referenceExchange(fixed);
    const ours = startSrp(BigInt(`0x${fixed.smallAHex}`));
    expect(ours.srpA).toBe(ref.srpA);
    expect(ref.responses["USERNAME"]).toBe(fixed.userIdForSrp);
    const signature = await ours.passwordClaimSignature({
      poolName: POOL_NAME,
      userIdForSrp: fixed.userIdForSrp,
      password: fixed.password,
      srpB: fixed.srpB,
      salt: fixed.salt,
      secretBlock: fixed.secretBlock,
      timestamp: ref.responses["TIMESTAMP"]!,
    });
    expect(signature).toBe(ref.responses["PASSWORD_CLAIM_SIGNATURE"]);
  });

  it("agrees on random inputs (salts and B with and without the top bit, unicode passwords)", async () => {
    for (let i = 0; i < 6; i++) {
      const input = {
        smallAHex: randomHex(128),
        username: `user${i}`,
        userIdForSrp: `user${i}`,
        password: i % 2 ? `pässwörd-${i}-✓` : `Pw${randomHex(8)}`,
        srpB: (i % 2 ? "0" : "8") + randomHex(383).slice(1),
        salt: (i % 2 ? "1" : "f") + randomHex(16).slice(1),
        secretBlock: base64(100 + i),
      };
      const ref = await referenceExchange(input);
      const ours = startSrp(BigInt(`0x${input.smallAHex}`));
      expect(ours.srpA).toBe(ref.srpA);
      const signature = await ours.passwordClaimSignature({ poolName: POOL_NAME, ...input, timestamp: ref.responses["TIMESTAMP"]! });
      expect(signature, `case ${i}`).toBe(ref.responses["PASSWORD_CLAIM_SIGNATURE"]);
    }
  }, 60_000);

  it("a wrong password gives a different signature", async () => {
    const ref = await referenceExchange(fixed);
    const ours = startSrp(BigInt(`0x${fixed.smallAHex}`));
    const signature = await ours.passwordClaimSignature({ poolName: POOL_NAME, ...fixed, password: "wrong", timestamp: ref.responses["TIMESTAMP"]! });
    expect(signature).not.toBe(ref.responses["PASSWORD_CLAIM_SIGNATURE"]);
  });

  it("pads hex like the reference", () => {
    const helper = new reference.AuthenticationHelper(POOL_NAME);
    for (const hex of ["0", "1", "7f", "80", "ff", "100", "8000", "abc", "7fffffff", "ffffffffffff", randomHex(384)]) {
      expect(padHex(BigInt(`0x${hex}`)), hex).toBe(helper.padHex(new RefBig(hex, 16)));
    }
  });

  it("formats TIMESTAMP like the reference's DateHelper (unpadded day, padded time)", () => {
    const dateHelper = new reference.DateHelper();
    for (const iso of ["2024-03-05T09:07:02Z", "2025-12-31T23:59:59Z", "2026-01-10T00:00:00Z"]) {
      vi.useFakeTimers({ now: new Date(iso) });
      expect(formatSrpTimestamp(Date.parse(iso)), iso).toBe(dateHelper.getNowString());
      vi.useRealTimers();
    }
    expect(formatSrpTimestamp(Date.parse("2024-03-05T09:07:02Z"))).toBe("Tue Mar 5 09:07:02 UTC 2024");
  });

  it("refuses unusable server values (B that is 0 mod N, non-hex SRP_B or SALT, non-base64 SECRET_BLOCK) as retryable service errors", async () => {
    const ours = startSrp();
    const base = { poolName: POOL_NAME, userIdForSrp: "u", password: "p", srpB: "5c3a" + "17".repeat(380), salt: "01", secretBlock: base64(8), timestamp: "t" };
    for (const [bad, what] of [
      [{ srpB: "0" }, /SRP_B whose B mod N is 0/],
      [{ srpB: "xyz" }, /SRP_B that is not hex/],
      [{ srpB: "" }, /SRP_B that is not hex/],
      [{ salt: "-01" }, /SALT that is not hex/],
      [{ secretBlock: "not base64!" }, /SECRET_BLOCK that is not base64/],
    ] as const) {
      const error = await ours.passwordClaimSignature({ ...base, ...bad }).catch((e: unknown) => e);
      expect(error, JSON.stringify(bad)).toBeInstanceOf(CognitoIdpoolError);
      expect(error).toMatchObject({ code: "service-error", retryable: true, message: expect.stringMatching(what) });
    }
  });
});
