/**
 * Access and refresh tokens. Tokens look like the HS256 JWTs of the real service, but the sandbox only ever looks
 * them up in its own tables: clients must treat them as opaque.
 */
import { createHmac, randomBytes } from "node:crypto";

/** The guide documents a 15-day refresh-token lifetime. */
const REFRESH_LIFETIME_MS = 15 * 24 * 3600 * 1000;

export interface IssuedToken {
  token: string;
  tokenHead: "Bearer ";
  expiresIn: string;
  refreshToken: string;
}

export interface TokenSnapshot {
  access: Array<[string, number]>;
  refresh: Array<[string, number]>;
}

export type TokenCheck = "valid" | "expired" | "unknown";

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

export class TokenStore {
  private readonly signingKey = randomBytes(32);
  private access = new Map<string, number>();
  private refresh = new Map<string, number>();
  issued = 0;

  issue(clientId: string, lifetimeSeconds: number, now: number): IssuedToken {
    const token = this.jwt(clientId, now + lifetimeSeconds * 1000, "openapi");
    const refreshToken = this.jwt(clientId, now + REFRESH_LIFETIME_MS, "refresh");
    this.access.set(token, now + lifetimeSeconds * 1000);
    this.refresh.set(refreshToken, now + REFRESH_LIFETIME_MS);
    this.issued += 1;
    return { token, tokenHead: "Bearer ", expiresIn: String(lifetimeSeconds), refreshToken };
  }

  check(token: string, now: number): TokenCheck {
    const expiresAt = this.access.get(token);
    if (expiresAt === undefined) return "unknown";
    return now < expiresAt ? "valid" : "expired";
  }

  /**
   * Consumes a refresh token. Refresh tokens rotate: a used one stops working, which catches clients that refresh
   * from two places with the same token (the real rotation behaviour is undocumented).
   */
  redeem(refreshToken: string, now: number): boolean {
    const expiresAt = this.refresh.get(refreshToken);
    if (expiresAt === undefined) return false;
    // Kept (as used) rather than deleted, so issuedTokens() still lists it for leak checks.
    this.refresh.set(refreshToken, 0);
    return now < expiresAt;
  }

  expireAll(): void {
    for (const token of this.access.keys()) this.access.set(token, 0);
  }

  all(): string[] {
    return [...this.access.keys(), ...this.refresh.keys()];
  }

  snapshot(): TokenSnapshot {
    return { access: [...this.access], refresh: [...this.refresh] };
  }

  restore(snapshot: TokenSnapshot): void {
    this.access = new Map(snapshot.access);
    this.refresh = new Map(snapshot.refresh);
  }

  private jwt(clientId: string, expiresAt: number, tokenType: string): string {
    const header = base64url({ alg: "HS256", typ: "JWT" });
    const payload = base64url({
      aud: ["res1"],
      user_name: "partner@sandbox.example",
      scope: ["all"],
      exp: Math.floor(expiresAt / 1000),
      token_type: tokenType,
      jti: randomBytes(15).toString("base64"),
      client_id: clientId,
    });
    const signature = createHmac("sha256", this.signingKey).update(`${header}.${payload}`).digest("base64url");
    return `${header}.${payload}.${signature}`;
  }
}
