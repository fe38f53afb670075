import * as assert from "node:assert/strict";
import { inspect } from "node:util";
import { ConfigError } from "../../../provider/client/errors";
import { PartnerClient } from "../../../provider/client/client";
import type { FetchLike } from "../../../provider/client/transport";
import { assertSafeBaseUrl } from "../../../provider/client/base-url";
import { resetSharedClients, sharedClient } from "../../../provider/client/shared";
import { BASE_URL, CLIENT_ID, FakeApi, SECRET } from "./fake-api";

describe("client: base URL rule", () => {
  for (const ok of [
    "https://openapi.partner.yeastar.com",
    "https://proxy.example:8443/yeastar/",
    "http://localhost:8080",
    "http://LOCALHOST",
    "http://127.0.0.1:3000",
    "http://127.45.6.7",
    "http://[::1]:4000",
  ]) {
    it(`accepts ${ok}`, () => {
      assert.ok(assertSafeBaseUrl(ok) instanceof URL);
    });
  }

  for (const bad of [
    "http://openapi.partner.yeastar.com",
    "http://127.example.com",
    "http://localhost.evil.example",
    "http://10.0.0.1",
    "http://[::2]",
    "ftp://localhost",
    "openapi.partner.yeastar.com",
    "",
    "https://host.example/?x=1",
  ]) {
    it(`refuses ${JSON.stringify(bad)} naming the field, the value and what is allowed`, () => {
      assert.throws(
        () => assertSafeBaseUrl(bad),
        (e: unknown) =>
          e instanceof ConfigError &&
          e.field === "baseUrl" &&
          e.value === bad &&
          e.message.includes("baseUrl") &&
          e.message.includes(JSON.stringify(bad)) &&
          e.message.includes("https://") &&
          e.message.includes("loopback"),
      );
    });
  }

  it("refuses credentials in the URL without echoing them", () => {
    assert.throws(
      () => assertSafeBaseUrl(`https://user:${SECRET}@host.example`),
      (e: unknown) => e instanceof ConfigError && !e.message.includes(SECRET) && !String(e.value).includes(SECRET),
    );
  });

  it("is enforced by the client constructor", () => {
    assert.throws(
      () => new PartnerClient({ baseUrl: "http://example.com", clientId: "a", clientSecret: "b" }),
      ConfigError,
    );
  });
});

describe("client: options", () => {
  it("requires clientId and clientSecret, never echoing the secret", () => {
    assert.throws(
      () => new PartnerClient({ baseUrl: BASE_URL, clientId: "", clientSecret: SECRET }),
      (e: unknown) => e instanceof ConfigError && e.field === "clientId",
    );
    assert.throws(
      () => new PartnerClient({ baseUrl: BASE_URL, clientId: CLIENT_ID, clientSecret: "" }),
      (e: unknown) => e instanceof ConfigError && e.field === "clientSecret" && e.value === undefined,
    );
  });

  it("refuses nonsense timeouts and retry settings", () => {
    const base = { baseUrl: BASE_URL, clientId: CLIENT_ID, clientSecret: SECRET };
    assert.throws(() => new PartnerClient({ ...base, timeoutMs: 0 }), /timeoutMs/);
    assert.throws(() => new PartnerClient({ ...base, orderTimeoutMs: -1 }), /orderTimeoutMs/);
    assert.throws(() => new PartnerClient({ ...base, retry: { retries: -1 } }), /retry\.retries/);
    assert.throws(() => new PartnerClient({ ...base, retry: { maxDelayMs: Number.NaN } }), /retry\.maxDelayMs/);
  });
});

describe("client: sharedClient", () => {
  afterEach(() => resetSharedClients());

  it("returns one client per base URL, client id and secret", async () => {
    const api = new FakeApi();
    const opts = { baseUrl: BASE_URL, clientId: CLIENT_ID, clientSecret: SECRET, fetch: api.fetch };
    const a = sharedClient(opts);
    const b = sharedClient({ ...opts });
    assert.equal(a, b);
    await Promise.all([a.listRegions(), b.listRegions(), a.listBillingContacts(), b.listBillingContacts()]);
    assert.equal(a.stats.tokenRequests, 1);
    assert.equal(a.stats.calls.regionList, 1);
    assert.equal(a.stats.calls.billingContactList, 1);
    assert.notEqual(sharedClient({ ...opts, clientSecret: `${SECRET}-rotated` }), a);
    assert.notEqual(sharedClient({ ...opts, clientId: "other" }), a);
    assert.notEqual(sharedClient({ ...opts, baseUrl: "http://127.0.0.1:9" }), a);
    resetSharedClients();
    assert.notEqual(sharedClient(opts), a);
  });

  it("keeps the secret out of util.inspect and JSON of the client", async () => {
    const api = new FakeApi();
    // A plain wrapper: the sinon stub itself records request headers, and inspecting it is not the point.
    const fetch: FetchLike = (url, init) => api.fetch(url, init);
    const client = sharedClient({ baseUrl: BASE_URL, clientId: CLIENT_ID, clientSecret: SECRET, fetch });
    await client.listRegions();
    for (const text of [inspect(client, { depth: 10, showHidden: true }), JSON.stringify(client)]) {
      assert.ok(!text.includes(SECRET), text);
      assert.ok(!text.includes("canary-TOKEN"), text);
    }
  });
});
