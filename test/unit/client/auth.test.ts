import * as assert from "node:assert/strict";
import { PATHS } from "../../../provider/api/catalog";
import { ApiError } from "../../../provider/client/errors";
import { CLIENT_ID, FakeApi, envelope, failure, netError } from "./fake-api";

function grants(api: FakeApi): string[] {
  return api.to(PATHS.token).map((r) => new URLSearchParams(r.body).get("grant_type") ?? "");
}

describe("client: access tokens", () => {
  let api: FakeApi;
  beforeEach(() => {
    api = new FakeApi();
  });

  it("makes exactly one token request for 20 concurrent calls", async () => {
    api.setDefault(PATHS.pbxUrlExisted, { delayMs: 5, then: { body: envelope(false) } });
    api.setDefault(PATHS.productList, {
      body: envelope({ count: 0, pageNo: 1, pageSize: 25, results: [], total: 0, totalPage: 0 }),
    });
    // The token answer is slow, so every caller arrives while it is in flight.
    api.queue(PATHS.token, {
      delayMs: 20,
      then: {
        body: envelope({
          token: "canary-TOKEN-A",
          tokenHead: "Bearer ",
          expiresIn: "1800",
          refreshToken: "canary-TOKEN-R",
        }),
      },
    });
    const client = api.client();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 ? client.isPbxUrlTaken(`p${i}.eu.sandbox.yeastarcloud.com`) : client.listProducts(),
      ),
    );
    assert.equal(client.stats.tokenRequests, 1);
    assert.equal(api.to(PATHS.token).length, 1);
    assert.ok(
      api.requests
        .filter((r) => r.path !== PATHS.token)
        .every((r) => r.headers.Authorization === "Bearer canary-TOKEN-A"),
    );
  });

  it("refreshes with the refresh token shortly before expiry (margin 120 s by default)", async () => {
    let now = 1_000_000;
    const client = api.client({ now: () => now });
    await client.listRegions();
    assert.equal(await client.getToken(), "canary-TOKEN-1");
    now += (1800 - 121) * 1000;
    assert.equal(await client.getToken(), "canary-TOKEN-1", "still inside the lifetime minus margin");
    now += 2_000;
    assert.equal(await client.getToken(), "canary-TOKEN-2");
    assert.deepEqual(grants(api), ["pp_credentials", "refresh_token"]);
    const refresh = Object.fromEntries(new URLSearchParams(api.to(PATHS.token)[1].body));
    assert.deepEqual(refresh, {
      grant_type: "refresh_token",
      refresh_token: "canary-TOKEN-refresh-1",
      client_id: CLIENT_ID,
    });
    assert.equal(await client.getToken(), "canary-TOKEN-2");
    assert.equal(client.stats.tokenRequests, 2);
  });

  it("honours a custom refresh margin", async () => {
    let now = 0;
    const client = api.client({ now: () => now, refreshMarginSeconds: 600 });
    await client.getToken();
    now = (1800 - 601) * 1000;
    await client.getToken();
    assert.equal(client.stats.tokenRequests, 1);
    now = (1800 - 599) * 1000;
    await client.getToken();
    assert.equal(client.stats.tokenRequests, 2);
  });

  it("does not refresh on every call when the lifetime is shorter than the margin", async () => {
    api.setDefault(PATHS.token, {
      body: envelope({ token: "canary-TOKEN-S", tokenHead: "Bearer ", expiresIn: "60", refreshToken: "" }),
    });
    let now = 0;
    const client = api.client({ now: () => now });
    await client.getToken();
    now = 29_000;
    await client.getToken();
    assert.equal(client.stats.tokenRequests, 1);
    now = 31_000;
    await client.getToken();
    assert.equal(client.stats.tokenRequests, 2);
    // No refresh token was issued, so the client credentials are used again.
    assert.deepEqual(grants(api), ["pp_credentials", "pp_credentials"]);
  });

  it("falls back to the client credentials when the refresh is rejected", async () => {
    let now = 0;
    const lines: string[] = [];
    const client = api.client({ now: () => now, log: (l) => lines.push(l) });
    await client.getToken();
    api.queue(PATHS.token, failure(400, "invalid_grant", "refresh token expired"));
    now = 1_800_000;
    assert.equal(await client.getToken(), "canary-TOKEN-2");
    api.queue(PATHS.token, failure(401, "unauthorized", "refresh token revoked"));
    now = 3_600_000;
    assert.equal(await client.getToken(), "canary-TOKEN-3");
    assert.deepEqual(grants(api), [
      "pp_credentials",
      "refresh_token",
      "pp_credentials",
      "refresh_token",
      "pp_credentials",
    ]);
    assert.equal(lines.filter((l) => /token refresh rejected/.test(l)).length, 2);
  });

  it("falls back when the refresh answer is garbled", async () => {
    let now = 0;
    const client = api.client({ now: () => now, retry: { retries: 0 } });
    await client.getToken();
    api.queue(PATHS.token, { body: envelope({ tokenHead: "Bearer " }) });
    now = 1_800_000;
    assert.equal(await client.getToken(), "canary-TOKEN-2");
    assert.deepEqual(grants(api), ["pp_credentials", "refresh_token", "pp_credentials"]);
  });

  it("does not fall back when the network fails during refresh", async () => {
    let now = 0;
    const client = api.client({ now: () => now, retry: { retries: 0 } });
    await client.getToken();
    api.queue(PATHS.token, netError("ECONNRESET"));
    now = 1_800_000;
    await assert.rejects(client.getToken(), /network error/);
    assert.deepEqual(grants(api), ["pp_credentials", "refresh_token"]);
    // The next call tries again.
    assert.equal(await client.getToken(), "canary-TOKEN-2");
  });

  it("re-authenticates once and retries a read rejected with 401 token_expired", async () => {
    api.queue(PATHS.regionList, failure(401, "token_expired", "token expired"));
    const client = api.client();
    assert.equal((await client.listRegions()).length, 1);
    const reads = api.to(PATHS.regionList);
    assert.deepEqual(
      reads.map((r) => r.headers.Authorization),
      ["Bearer canary-TOKEN-1", "Bearer canary-TOKEN-2"],
    );
    assert.deepEqual(grants(api), ["pp_credentials", "refresh_token"]);
  });

  it("re-authenticates on code unauthorized too, but only once", async () => {
    api.setDefault(PATHS.regionList, failure(401, "unauthorized", "bad token"));
    const client = api.client();
    const err = await client.listRegions().catch((e: unknown) => e);
    assert.ok(err instanceof ApiError && err.httpStatus === 401);
    assert.equal(api.to(PATHS.regionList).length, 2);
    assert.equal(client.stats.tokenRequests, 2);
  });

  it("does not re-authenticate on other 401 codes", async () => {
    api.queue(PATHS.regionList, failure(401, "ip_not_allowed", "IP not on the allow-list"));
    await assert.rejects(api.client().listRegions(), ApiError);
    assert.equal(api.to(PATHS.regionList).length, 1);
    assert.equal(api.to(PATHS.token).length, 1);
  });

  it("concurrent 401s share one new token", async () => {
    const client = api.client();
    await client.getToken();
    for (let i = 0; i < 5; i++) api.queue(PATHS.pbxUrlExisted, failure(401, "token_expired"));
    api.setDefault(PATHS.pbxUrlExisted, { body: envelope(false) });
    await Promise.all(Array.from({ length: 5 }, (_, i) => client.isPbxUrlTaken(`u${i}.example`)));
    assert.equal(client.stats.tokenRequests, 2);
  });

  it("adds the missing space after a tokenHead without one", async () => {
    api.setDefault(PATHS.token, { body: envelope({ token: "canary-TOKEN-X", tokenHead: "Bearer", expiresIn: 1800 }) });
    const client = api.client();
    await client.listRegions();
    assert.equal(api.to(PATHS.regionList)[0].headers.Authorization, "Bearer canary-TOKEN-X");
  });
});
