/**
 * Access-token lifecycle for one client: cache, refresh ahead of expiry, and single-flight so that many
 * resources starting at once cause one token request, not one each. The grants themselves come from the client
 * (`partnerGrants` for the Partner Portal; the PBX client has its own, pbx-client.ts).
 */
import type { TokenResult } from "../api/schemas";
import { ApiError, SchemaError } from "./errors";

export interface Session {
  token: string;
  /** Ready-to-send Authorization header value (the PBX API takes the bare token in the query instead). */
  authorization: string;
}

/** What a token request gave. */
export interface Grant extends Session {
  lifetimeSeconds: number;
  /** Empty when the server sent none (a refresh may keep the old one). */
  refreshToken: string;
  /** How long the refresh token lasts, when the server says; else it is tried until refused. */
  refreshLifetimeSeconds?: number;
}

interface Held extends Session {
  refreshToken: string;
  /** Epoch ms after which we get a new token before using this one. */
  refreshAt: number;
  /** Epoch ms after which the refresh token is not tried any more; undefined: until refused. */
  refreshUntil?: number;
}

export interface TokenSource {
  /** A new token from the client credentials (retried like any read). */
  fromCredentials(): Promise<Grant>;
  /** A new token from a refresh token (retried like any read). */
  fromRefreshToken(refreshToken: string): Promise<Grant>;
  now: () => number;
  refreshMarginSeconds: number;
  log: (line: string) => void;
}

/** The Partner Portal's grants: form posts to the token endpoint, the token sent as `<tokenHead><token>`. */
export function partnerGrants(
  clientId: string,
  clientSecret: string,
  requestToken: (form: Record<string, string>) => Promise<TokenResult>,
): Pick<TokenSource, "fromCredentials" | "fromRefreshToken"> {
  const grant = (result: TokenResult): Grant => {
    let head = result.tokenHead;
    if (head && !/\s$/.test(head)) head += " ";
    return {
      token: result.token,
      authorization: `${head}${result.token}`,
      lifetimeSeconds: result.expiresIn,
      refreshToken: result.refreshToken,
    };
  };
  return {
    fromCredentials: async () =>
      grant(await requestToken({ grant_type: "pp_credentials", client_id: clientId, client_secret: clientSecret })),
    fromRefreshToken: async (refreshToken) =>
      grant(await requestToken({ grant_type: "refresh_token", refresh_token: refreshToken, client_id: clientId })),
  };
}

export class TokenManager {
  // ES private fields: tokens and the secret must not show up in util.inspect or JSON of the client.
  #held?: Held;
  #inflight?: Promise<Held>;
  readonly #source: TokenSource;

  constructor(source: TokenSource) {
    this.#source = source;
  }

  /** A valid session, from cache when it is not yet due for refresh. */
  async session(): Promise<Session> {
    const held = this.#held;
    if (held && this.#source.now() < held.refreshAt) return held;
    if (!this.#inflight) {
      this.#inflight = this.obtain().finally(() => {
        this.#inflight = undefined;
      });
    }
    return this.#inflight;
  }

  /**
   * Forgets the access token after the API rejected it. Only when it is still the current one: if a concurrent
   * call already replaced it, the new token stays.
   */
  invalidate(token: string): void {
    if (this.#held && this.#held.token === token) this.#held = { ...this.#held, refreshAt: 0 };
  }

  private async obtain(): Promise<Held> {
    const previous = this.#held;
    // Lifetimes count from before the request was sent, so network latency only makes us refresh earlier.
    let startedAt = this.#source.now();
    const refreshable =
      previous?.refreshToken && (previous.refreshUntil === undefined || startedAt < previous.refreshUntil);
    if (previous && refreshable) {
      try {
        return this.store(startedAt, await this.#source.fromRefreshToken(previous.refreshToken), previous);
      } catch (err) {
        // A rejected or garbled refresh is not fatal: the client credentials can always mint a new pair.
        // Network trouble is, because the credentials request would meet the same network.
        if (!(err instanceof ApiError || err instanceof SchemaError)) throw err;
        this.#source.log(`yeastar: token refresh rejected (${err.message}); requesting a new token`);
      }
    }
    startedAt = this.#source.now();
    return this.store(startedAt, await this.#source.fromCredentials(), undefined);
  }

  private store(obtainedAt: number, grant: Grant, previous: Held | undefined): Held {
    const held: Held = {
      token: grant.token,
      authorization: grant.authorization,
      // Some servers return no new refresh token on refresh; the old one is then still the one to use.
      refreshToken: grant.refreshToken || previous?.refreshToken || "",
      refreshAt: obtainedAt + this.usableSeconds(grant.lifetimeSeconds) * 1000,
      refreshUntil:
        grant.refreshToken && grant.refreshLifetimeSeconds !== undefined
          ? obtainedAt + this.usableSeconds(grant.refreshLifetimeSeconds) * 1000
          : grant.refreshToken
            ? undefined
            : previous?.refreshUntil,
    };
    this.#held = held;
    return held;
  }

  /**
   * Seconds of a lifetime we use: `margin` seconds early, but never in the first half of the lifetime: with a
   * short-lived token (a sandbox set to 60 s) a 120 s margin would otherwise make every call fetch a new token.
   */
  private usableSeconds(lifetimeSeconds: number): number {
    const lifetime = Math.max(0, lifetimeSeconds);
    return Math.max(lifetime - this.#source.refreshMarginSeconds, lifetime / 2);
  }
}
