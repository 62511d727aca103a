/** A login whose token checked out: who it names, and what role resolution and policies learn from it. */
export interface VerifiedLogin {
  /** The `Logins` key. */
  provider: string;
  /** The user the token names at that provider (`sub`, or the developer user id). */
  subject: string;
  /** Token claims, for role-mapping rules. */
  claims: Record<string, unknown>;
  /** `cognito-identity.amazonaws.com` logins carry the emulator's own token, which proves one identity rather than naming a linkable login. */
  provesIdentity?: string;
  /** What this login adds to `cognito-identity.amazonaws.com:amr` besides `authenticated`. */
  amr: string[];
  /** RoleMappings keys that apply to this login, most specific first. */
  mappingKeys: string[];
  /** SAML logins: the roles the assertion's Role attribute offers for this provider (CustomRoleArn picks among them). */
  samlRoles?: string[];
}
