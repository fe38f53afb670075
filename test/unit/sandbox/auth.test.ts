import * as assert from "node:assert/strict";
import { PATHS } from "../../../provider/api/catalog";
import { startSandbox, type Sandbox } from "../../../sandbox";
import { UA, call, requestWithoutUserAgent, sleep, token, tokenPair, withSandbox } from "./helpers";

describe("sandbox: authentication", () => {
  const ctx = withSandbox();

  it("issues a JWT-looking token with the documented result fields", async () => {
    const pair = await tokenPair(ctx.sandbox);
    assert.match(pair.token, /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.match(pair.refreshToken, /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.notEqual(pair.token, pair.refreshToken);
    assert.equal(pair.tokenHead, "Bearer ");
    assert.equal(pair.expiresIn, "1800");
    const reply = await call(ctx.sandbox, PATHS.regionList, { headers: { Authorization: `Bearer ${pair.token}` } });
    assert.equal(reply.status, 200);
  });

  it("accepts the token request as multipart/form-data too", async () => {
    const form = new FormData();
    form.set("grant_type", "pp_credentials");
    form.set("client_id", "sandbox-client");
    form.set("client_secret", "sandbox-secret");
    const res = await fetch(ctx.sandbox.url + PATHS.token, { method: "POST", headers: UA, body: form });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { code: string }).code, "success");
  });

  it("refuses a token request sent as JSON", async () => {
    const reply = await call(ctx.sandbox, PATHS.token, {
      json: '{"grant_type":"pp_credentials","client_id":"sandbox-client","client_secret":"sandbox-secret"}',
    });
    assert.equal(reply.status, 415);
    assert.equal(reply.body.code, "unsupported_media_type");
  });

  it("rejects a request without User-Agent, on the token endpoint and elsewhere", async () => {
    const api = await requestWithoutUserAgent(ctx.sandbox, PATHS.regionList, { Authorization: `Bearer ${ctx.token}` });
    assert.equal(api.status, 400);
    assert.equal(api.body.code, "missing_user_agent");
    assert.equal(api.body.status, 400);
    const blank = await call(ctx.sandbox, PATHS.token, {
      headers: { "User-Agent": " " },
      form: { grant_type: "pp_credentials", client_id: "sandbox-client", client_secret: "sandbox-secret" },
    });
    assert.equal(blank.status, 400);
    assert.equal(blank.body.code, "missing_user_agent");
  });

  it("rejects wrong credentials with 401 invalid_client and missing ones with 400", async () => {
    const wrong = await call(ctx.sandbox, PATHS.token, {
      form: { grant_type: "pp_credentials", client_id: "sandbox-client", client_secret: "nope" },
    });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.code, "invalid_client");
    assert.ok(!wrong.text.includes("sandbox-secret"));
    const otherClient = await call(ctx.sandbox, PATHS.token, {
      form: { grant_type: "pp_credentials", client_id: "someone", client_secret: "sandbox-secret" },
    });
    assert.equal(otherClient.body.code, "invalid_client");
    const missing = await call(ctx.sandbox, PATHS.token, { form: { grant_type: "pp_credentials" } });
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.result, { client_id: "required", client_secret: "required" });
  });

  it("rejects an unknown or missing grant type", async () => {
    const unknown = await call(ctx.sandbox, PATHS.token, { form: { grant_type: "client_credentials" } });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.code, "unsupported_grant_type");
    const missing = await call(ctx.sandbox, PATHS.token, { form: {} });
    assert.equal(missing.body.code, "parameter_validation_failed");
  });

  it("requires a known bearer token on every other endpoint", async () => {
    const none = await call(ctx.sandbox, PATHS.billingContactList);
    assert.equal(none.status, 401);
    assert.equal(none.body.code, "unauthorized");
    const basic = await call(ctx.sandbox, PATHS.billingContactList, { headers: { Authorization: "Basic abc" } });
    assert.equal(basic.body.code, "unauthorized");
    const forged = await call(ctx.sandbox, PATHS.billingContactList, { token: `${ctx.token}x` });
    assert.equal(forged.status, 401);
    assert.equal(forged.body.code, "unauthorized");
  });

  it("expireTokens() makes every issued access token expired, and a new one works", async () => {
    const second = await token(ctx.sandbox);
    ctx.sandbox.admin.expireTokens();
    for (const t of [ctx.token, second]) {
      const reply = await call(ctx.sandbox, PATHS.regionList, { token: t });
      assert.equal(reply.status, 401);
      assert.equal(reply.body.code, "token_expired");
    }
    const fresh = await token(ctx.sandbox);
    assert.equal((await call(ctx.sandbox, PATHS.regionList, { token: fresh })).status, 200);
  });

  it("refresh_token gives a new pair; a used refresh token no longer works", async () => {
    const pair = await tokenPair(ctx.sandbox);
    ctx.sandbox.admin.expireTokens();
    const refreshed = await call(ctx.sandbox, PATHS.token, {
      form: { grant_type: "refresh_token", refresh_token: pair.refreshToken },
    });
    assert.equal(refreshed.status, 200, refreshed.text);
    assert.notEqual(refreshed.result.token, pair.token);
    assert.equal((await call(ctx.sandbox, PATHS.regionList, { token: refreshed.result.token })).status, 200);
    const reused = await call(ctx.sandbox, PATHS.token, {
      form: { grant_type: "refresh_token", refresh_token: pair.refreshToken },
    });
    assert.equal(reused.status, 401);
    assert.equal(reused.body.code, "invalid_refresh_token");
    const unknown = await call(ctx.sandbox, PATHS.token, { form: { grant_type: "refresh_token", refresh_token: "x" } });
    assert.equal(unknown.body.code, "invalid_refresh_token");
  });

  it("rejectRefreshTokens refuses valid refresh tokens; client credentials still work", async () => {
    const pair = await tokenPair(ctx.sandbox);
    ctx.sandbox.admin.setConfig({ rejectRefreshTokens: true });
    const refreshed = await call(ctx.sandbox, PATHS.token, {
      form: { grant_type: "refresh_token", refresh_token: pair.refreshToken },
    });
    assert.equal(refreshed.status, 401);
    assert.equal(refreshed.body.code, "invalid_refresh_token");
    await tokenPair(ctx.sandbox);
  });

  it("counts every issued token, refreshes included", async () => {
    const pair = await tokenPair(ctx.sandbox);
    await call(ctx.sandbox, PATHS.token, { form: { grant_type: "refresh_token", refresh_token: pair.refreshToken } });
    await call(ctx.sandbox, PATHS.token, {
      form: { grant_type: "pp_credentials", client_id: "x", client_secret: "y" },
    });
    assert.equal(ctx.sandbox.admin.stats().tokensIssued, 2);
    assert.equal(ctx.sandbox.admin.stats().requests.token, 3);
    const issued = ctx.sandbox.admin.issuedTokens();
    assert.ok(issued.includes(pair.token) && issued.includes(pair.refreshToken));
  });
});

describe("sandbox: token lifetime and credentials from options", () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startSandbox({ tokenLifetimeSeconds: 1, clientId: "my-id", clientSecret: "my-secret" });
  });
  after(() => sandbox.close());

  it("uses the configured credentials and lifetime; the token expires after it", async () => {
    const pair = await tokenPair(sandbox, "my-id", "my-secret");
    assert.equal(pair.expiresIn, "1");
    assert.equal((await call(sandbox, PATHS.regionList, { token: pair.token })).status, 200);
    await sleep(1100);
    const expired = await call(sandbox, PATHS.regionList, { token: pair.token });
    assert.equal(expired.status, 401);
    assert.equal(expired.body.code, "token_expired");
    await assert.rejects(tokenPair(sandbox), /invalid_client/);
  });

  it("setConfig(tokenLifetimeSeconds) applies to tokens issued afterwards", async () => {
    sandbox.admin.setConfig({ tokenLifetimeSeconds: 600 });
    const pair = await tokenPair(sandbox, "my-id", "my-secret");
    assert.equal(pair.expiresIn, "600");
  });
});
