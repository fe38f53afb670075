import * as assert from "node:assert/strict";
import { PATHS } from "../../../provider/api/catalog";
import { startSandbox } from "../../../sandbox";
import { RateLimiter } from "../../../sandbox/rate-limit";
import { call, purchaseBody, token, withSandbox } from "./helpers";

describe("sandbox: rate-limit mode", () => {
  describe("the token bucket", () => {
    it("passes a full bucket, then refuses with the seconds until the next token", () => {
      const bucket = new RateLimiter();
      bucket.configure(3, 0);
      assert.deepEqual(
        [0, 0, 0, 0].map(() => bucket.take(0)),
        [undefined, undefined, undefined, 1],
      );
      assert.equal(bucket.take(340), undefined, "one token back after a third of a second");
      assert.equal(bucket.take(340), 1);
      assert.equal(bucket.take(10_000), undefined, "refilled, never above its size");
      assert.deepEqual(
        [0, 0, 0].map(() => bucket.take(10_000)),
        [undefined, undefined, 1],
      );
    });

    it("below one request per second asks for more than a second; 0 switches it off", () => {
      const slow = new RateLimiter();
      slow.configure(0.25, 0);
      assert.equal(slow.take(0), undefined, "the bucket holds at least one request");
      assert.equal(slow.take(0), 4);
      assert.equal(slow.take(4_000), undefined);
      const off = new RateLimiter();
      off.configure(0, 0);
      for (let i = 0; i < 100; i++) assert.equal(off.take(0), undefined);
    });
  });

  describe("over HTTP", () => {
    const ctx = withSandbox({ rateLimitPerSecond: 2 });

    it("answers 429 too_many_requests with Retry-After beyond the limit, before the token check, and counts it", async () => {
      // withSandbox spent a token request; start the second with a full bucket.
      await new Promise((r) => setTimeout(r, 1100));
      const regions = () => call(ctx.sandbox, PATHS.regionList, { token: ctx.token });
      assert.equal((await regions()).status, 200);
      assert.equal((await regions()).status, 200);
      const refused = await regions();
      assert.equal(refused.status, 429);
      assert.equal(refused.body.code, "too_many_requests");
      assert.equal(refused.body.status, 429);
      assert.equal(refused.body.result, null);
      assert.match(refused.body.detailMessage, /rate limit of 2 requests per second/);
      assert.equal(refused.headers.get("retry-after"), "1");
      // No token at all: still the rate limit that answers.
      const noToken = await call(ctx.sandbox, PATHS.orderSave, { json: purchaseBody() });
      assert.equal(noToken.status, 429);
      const stats = ctx.sandbox.admin.stats();
      assert.equal(stats.requests.regionList, 3, "refused requests are counted as requests");
      assert.equal(stats.rateLimited.regionList, 1);
      assert.equal(stats.rateLimited.orderSave, 1);
      assert.equal(stats.orders.length, 0);
      await new Promise((r) => setTimeout(r, 1100));
      assert.equal((await regions()).status, 200, "passes again after Retry-After");
      ctx.sandbox.admin.resetCounters();
      assert.equal(ctx.sandbox.admin.stats().rateLimited.orderSave, 0);
    });

    it("is switched off and on through the admin config, and admin requests are never limited", async () => {
      ctx.sandbox.admin.setConfig({ rateLimitPerSecond: 0 });
      for (let i = 0; i < 10; i++) {
        assert.equal((await call(ctx.sandbox, PATHS.regionList, { token: ctx.token })).status, 200);
      }
      const res = await fetch(`${ctx.sandbox.url}/__admin/config`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ rateLimitPerSecond: 1 }),
      });
      assert.equal(res.status, 200);
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++)
        statuses.push((await call(ctx.sandbox, PATHS.regionList, { token: ctx.token })).status);
      assert.deepEqual(statuses, [200, 429, 429]);
      for (let i = 0; i < 5; i++) assert.equal((await fetch(`${ctx.sandbox.url}/__admin/stats`)).status, 200);
      const bad = await fetch(`${ctx.sandbox.url}/__admin/config`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ rateLimitPerSecond: -1 }),
      });
      assert.equal(bad.status, 400);
      assert.match(((await bad.json()) as { error: string }).error, /rateLimitPerSecond/);
      ctx.sandbox.admin.reset();
      assert.equal(ctx.sandbox.admin.stats().rateLimited.regionList, 0, "reset clears the counters");
    });
  });

  it("refuses a negative rate at start", async () => {
    await assert.rejects(startSandbox({ rateLimitPerSecond: -1 }), /rateLimitPerSecond must be a non-negative number/);
    const s = await startSandbox({ rateLimitPerSecond: 1000 });
    try {
      await token(s);
    } finally {
      await s.close();
    }
  });
});
