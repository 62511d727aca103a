/**
 * What can happen to a page, as data: the generator of random runs. A command names the tab it acts
 * on by a number taken modulo the open tabs, so every command applies in every state and shrinking
 * keeps runs valid. Calls are started, not awaited: they stay under way while later commands
 * (another call, a sign-out, time passing, a fault) happen, which is how races are explored.
 */
import fc from "fast-check";
import type { NetworkMode, NetworkScope } from "./fake-aws.js";
import { OIDC_ISSUER_KEY, USER_POOL_ISSUER_KEY } from "./fake-aws.js";
import type { StorageMode } from "./platform.js";
import type { World } from "./world.js";

export type Spec =
  | { kind: "getCredentials"; tab: number; force: boolean }
  | { kind: "credentials"; tab: number }
  | { kind: "burst"; tab: number; callers: number }
  | { kind: "getIdentityId"; tab: number }
  | { kind: "setLogins"; tab: number; login: "userPoolIdToken" | "oidc" | "oidcFunction" | "expiredOidc"; who: "alice" | "bob" | "carol" }
  | { kind: "signIn"; tab: number; user: "alice" | "bob"; wrongPassword: boolean }
  | { kind: "signOut"; tab: number; global: boolean }
  | { kind: "getUser"; tab: number }
  | { kind: "dispose"; tab: number }
  | { kind: "openTab" }
  | { kind: "advance"; ms: number }
  | { kind: "jumpDeviceClock"; ms: number }
  | { kind: "network"; mode: NetworkMode; scope: NetworkScope; latencyMs: number }
  | { kind: "storage"; mode: StorageMode };

const tab = fc.nat({ max: 2 });

export const specs: fc.Arbitrary<Spec>[] = [
  fc.record({ kind: fc.constant("getCredentials" as const), tab, force: fc.boolean() }),
  fc.record({ kind: fc.constant("credentials" as const), tab }),
  fc.record({ kind: fc.constant("burst" as const), tab, callers: fc.integer({ min: 2, max: 20 }) }),
  fc.record({ kind: fc.constant("getIdentityId" as const), tab }),
  fc.record({
    kind: fc.constant("setLogins" as const),
    tab,
    login: fc.constantFrom("userPoolIdToken" as const, "oidc" as const, "oidcFunction" as const, "expiredOidc" as const),
    who: fc.constantFrom("alice" as const, "bob" as const, "carol" as const),
  }),
  fc.record({ kind: fc.constant("signIn" as const), tab, user: fc.constantFrom("alice" as const, "bob" as const), wrongPassword: fc.boolean() }),
  fc.record({ kind: fc.constant("signOut" as const), tab, global: fc.boolean() }),
  fc.record({ kind: fc.constant("getUser" as const), tab }),
  fc.record({ kind: fc.constant("dispose" as const), tab }),
  fc.record({ kind: fc.constant("openTab" as const) }),
  // Time: a few ms (inside a write or a round trip), seconds (timeouts, backoff), minutes (expiry, renewals).
  fc.record({
    kind: fc.constant("advance" as const),
    ms: fc.oneof(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1_000, max: 20_000 }), fc.integer({ min: 60_000, max: 900_000 })),
  }),
  fc.record({ kind: fc.constant("jumpDeviceClock" as const), ms: fc.constantFrom(-3_600_000, -600_000, -30_000, 30_000, 600_000, 3_600_000) }),
  fc.record({
    kind: fc.constant("network" as const),
    mode: fc.constantFrom<NetworkMode>(
      "ok",
      "ok",
      "offline",
      "throttle",
      "serverError",
      "stallHeaders",
      "stallBody",
      "truncated",
      "badExpiration",
      "alreadyExpired",
      "noIdentityId",
      "htmlPage",
    ),
    scope: fc.constantFrom<NetworkScope>("all", "identityPool", "userPool"),
    latencyMs: fc.constantFrom(0, 0, 40, 400, 2_000),
  }),
  fc.record({ kind: fc.constant("storage" as const), mode: fc.constantFrom<StorageMode>("ok", "ok", "failOnce", "failAlways", "quota", "stall", "slowRead") }),
];

/** Runs one command against the world (the model and the real tabs together). */
export async function run(world: World, spec: Spec): Promise<void> {
  if (spec.kind === "openTab") {
    if (world.openTabs().length < 3 && world.tabs.length < 6) world.openTab();
    return;
  }
  if (spec.kind === "advance") return world.time.advance(spec.ms);
  if (spec.kind === "jumpDeviceClock") {
    world.time.deviceErrorMs += spec.ms;
    return;
  }
  if (spec.kind === "network") {
    world.aws.setNetwork(spec.mode, spec.scope, spec.latencyMs);
    return;
  }
  if (spec.kind === "storage") {
    world.store.setMode(spec.mode);
    return;
  }
  let open = world.openTabs();
  if (open.length === 0) {
    world.openTab();
    open = world.openTabs();
  }
  const t = open[spec.tab % open.length]!;
  switch (spec.kind) {
    case "getCredentials":
      return world.getCredentials(t, "getCredentials", spec.force);
    case "credentials":
      return world.getCredentials(t, "credentials");
    case "burst":
      for (let i = 0; i < spec.callers; i++) world.getCredentials(t, i % 2 ? "credentials" : "getCredentials");
      return;
    case "getIdentityId":
      return world.call(t, "getIdentityId", (auth) => auth.getIdentityId());
    case "setLogins": {
      if (spec.login === "userPoolIdToken") {
        const user = spec.who === "carol" ? "alice" : spec.who;
        const token = world.aws.mintUserPoolIdToken(user, t.index);
        return world.call(t, "setLogins", (auth) => auth.setLogins({ [USER_POOL_ISSUER_KEY]: token }), { principal: user });
      }
      const token = world.aws.mintOidcToken(spec.who, t.index, spec.login === "expiredOidc");
      const value = spec.login === "oidcFunction" ? () => Promise.resolve(token) : token;
      return world.call(t, "setLogins", (auth) => auth.setLogins({ [OIDC_ISSUER_KEY]: value }), { principal: spec.who });
    }
    case "signIn": {
      const password = spec.wrongPassword ? "not-the-password" : world.aws.users.get(spec.user)!.password;
      return world.call(t, "signIn", (auth) => auth.signIn({ username: spec.user, password, authFlow: "USER_PASSWORD_AUTH" }), { principal: spec.user });
    }
    case "signOut":
      return world.signOut(t, spec.global);
    case "getUser":
      return world.call(t, "getUser", (auth) => auth.getUser());
    case "dispose":
      return world.dispose(t);
  }
}

/** How a command reads in a failure report. */
export function show(spec: Spec): string {
  const { kind, ...rest } = spec;
  return `${kind}(${Object.entries(rest)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(", ")})`;
}

/** A fast-check command around a spec: always applicable, checks the invariants after it. */
export class Step implements fc.AsyncCommand<object, World> {
  constructor(readonly spec: Spec) {}
  check(): boolean {
    return true;
  }
  async run(_model: object, world: World): Promise<void> {
    world.step++;
    world.trail.push(show(this.spec));
    if (!["advance", "jumpDeviceClock", "network", "storage"].includes(this.spec.kind)) world.commands++;
    await run(world, this.spec);
    await world.settle();
    world.checkStep();
    world.assertFocus();
  }
  toString(): string {
    return show(this.spec);
  }
}

/** How often each kind of command is drawn: calls, sign-outs and time passing most. */
const WEIGHTS: Partial<Record<Spec["kind"], number>> = { getCredentials: 3, setLogins: 2, signIn: 2, signOut: 2, advance: 4, credentials: 2 };

/** `replayPath`: what a failure prints as `replayPath` beside the shrunk commands (see the test file on replaying). */
export const steps = (maxCommands: number, replayPath?: string) =>
  fc.commands(
    specs.flatMap((arbitrary) => {
      const step = arbitrary.map((spec) => new Step(spec));
      const kind = (fc.sample(arbitrary, { numRuns: 1, seed: 1 })[0] as Spec).kind;
      return Array.from({ length: WEIGHTS[kind] ?? 1 }, () => step);
    }),
    { maxCommands, size: "max", ...(replayPath ? { replayPath } : {}) },
  );

export const worldParams = fc.record({
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  deviceErrorMs: fc.constantFrom(0, 0, 3_600_000, -600_000, 37_000),
  credentialLifetimeMs: fc.constantFrom(60_000, 180_000, 900_000),
  idTokenLifetimeMs: fc.constantFrom(120_000, 600_000, 3_600_000),
  storageLatencyMs: fc.constantFrom(0, 0, 3),
  locks: fc.constantFrom("web" as const, "web" as const, "refusing" as const),
});
