/**
 * Shared clients: one per process and account (docs/architecture.md, "Rate limits": one gate per account).
 */
import { createHash } from "node:crypto";
import { assertSafeBaseUrl } from "./base-url";
import { PartnerClient } from "./client";
import type { ClientOptions } from "./options";

const shared = new Map<string, PartnerClient>();

/**
 * One client per process and account, so every resource in a provider process shares one token, one region list
 * and one contact list. The key holds a hash of the secret, never the secret itself; the first caller's other
 * options (fetch, timeouts, log) win.
 */
export function sharedClient(opts: ClientOptions): PartnerClient {
  const secretHash = createHash("sha256").update(String(opts.clientSecret)).digest("hex");
  const key = `${assertSafeBaseUrl(opts.baseUrl, opts).href}\n${opts.clientId}\n${secretHash}`;
  let client = shared.get(key);
  if (!client) {
    client = new PartnerClient(opts);
    shared.set(key, client);
  }
  return client;
}

/** Forgets all shared clients (tests, or after credentials were rotated). */
export function resetSharedClients(): void {
  shared.clear();
}
