/**
 * Access-token lifecycle for one client: cache, refresh ahead of expiry, and single-flight so that many
 * resources starting at once cause one token request, not one each.
 */
import type { TokenResult } from "../api/schemas";
import { ApiError, SchemaError } from "./errors";

export interface Session {
  token: string;
  /** Ready-to-send Authorization header value. */
  authorization: string;
}

interface Held extends Session {
  refreshToken: string;
  /** Epoch ms after which we get a new token before using this one. */
  refreshAt: number;
}

export interface TokenSource {
  /** POSTs the token endpoint with these form fields (retried like any read) and returns the validated result. */
  requestToken(form: Record<string, string>): Promise<TokenResult>;
  clientId: string;
  clientSecret: string;
  now: () => number;
  refreshMarginSeconds: number;
  log: (line: string) => void;
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
    if (previous?.refreshToken) {
      try {
        return this.store(
          startedAt,
          await this.#source.requestToken({
            grant_type: "refresh_token",
            refresh_token: previous.refreshToken,
            client_id: this.#source.clientId,
          }),
          previous,
        );
      } catch (err) {
        // A rejected or garbled refresh is not fatal: the client credentials can always mint a new pair.
        // Network trouble is, because the credentials request would meet the same network.
        if (!(err instanceof ApiError || err instanceof SchemaError)) throw err;
        this.#source.log(`yeastar: token refresh rejected (${err.message}); requesting a new token`);
      }
    }
    startedAt = this.#source.now();
    return this.store(
      startedAt,
      await this.#source.requestToken({
        grant_type: "pp_credentials",
        client_id: this.#source.clientId,
        client_secret: this.#source.clientSecret,
      }),
      undefined,
    );
  }

  private store(obtainedAt: number, result: TokenResult, previous: Held | undefined): Held {
    const lifetime = Math.max(0, result.expiresIn);
    // Refresh `margin` seconds early, but never in the first half of the lifetime: with a short-lived token (a
    // sandbox set to 60 s) a 120 s margin would otherwise make every call fetch a new token.
    const usableSeconds = Math.max(lifetime - this.#source.refreshMarginSeconds, lifetime / 2);
    let head = result.tokenHead;
    if (head && !/\s$/.test(head)) head += " ";
    const held: Held = {
      token: result.token,
      authorization: `${head}${result.token}`,
      // Some servers return no new refresh token on refresh; the old one is then still the one to use.
      refreshToken: result.refreshToken || previous?.refreshToken || "",
      refreshAt: obtainedAt + usableSeconds * 1000,
    };
    this.#held = held;
    return held;
  }
}
