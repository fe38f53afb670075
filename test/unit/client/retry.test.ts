import * as assert from "node:assert/strict";
import * as sinon from "sinon";
import { PATHS } from "../../../provider/api/catalog";
import { ApiError, NetworkError, SchemaError } from "../../../provider/client/errors";
import { MAX_RETRY_AFTER_MS, parseRetryAfter } from "../../../provider/client/retry";
import { FakeApi, envelope, failure, fixtures, netError, sampleOrder } from "./fake-api";

async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => assert.fail("expected an error"),
    (e: unknown) => e,
  );
}

/** Lets pending promise chains run without advancing the fake clock. */
async function settle(clock: sinon.SinonFakeTimers): Promise<void> {
  await clock.tickAsync(0);
}

describe("client: retries for reads", () => {
  let api: FakeApi;
  beforeEach(() => {
    api = new FakeApi();
  });

  describe("Retry-After", () => {
    let clock: sinon.SinonFakeTimers;
    beforeEach(() => {
      clock = sinon.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    });
    afterEach(() => clock.restore());

    it("waits at least the seconds a 429 asks for, then succeeds", async () => {
      api.queue(PATHS.regionList, {
        status: 429,
        body: failure(429, "too_many_requests").body,
        headers: { "Retry-After": "3" },
      });
      const pending = api.client().listRegions();
      await settle(clock);
      assert.equal(api.to(PATHS.regionList).length, 1);
      await clock.tickAsync(2_900);
      assert.equal(api.to(PATHS.regionList).length, 1, "retried before Retry-After");
      await clock.tickAsync(200);
      assert.equal(api.to(PATHS.regionList).length, 2);
      assert.equal((await pending).length, 1);
    });

    it("honours an HTTP-date Retry-After", async () => {
      clock.setSystemTime(Date.UTC(2025, 0, 1, 0, 0, 0));
      const at = new Date(Date.UTC(2025, 0, 1, 0, 0, 5)).toUTCString();
      api.queue(PATHS.regionList, { status: 503, body: envelope(null), headers: { "Retry-After": at } });
      const pending = api.client().listRegions();
      await settle(clock);
      await clock.tickAsync(4_900);
      assert.equal(api.to(PATHS.regionList).length, 1);
      await clock.tickAsync(200);
      assert.equal(api.to(PATHS.regionList).length, 2);
      await pending;
    });

    it("never waits longer than 30 s, whatever the server asks", async () => {
      api.queue(PATHS.regionList, { status: 429, body: envelope(null), headers: { "Retry-After": "3600" } });
      const pending = api.client().listRegions();
      await settle(clock);
      await clock.tickAsync(MAX_RETRY_AFTER_MS - 100);
      assert.equal(api.to(PATHS.regionList).length, 1);
      await clock.tickAsync(200);
      assert.equal(api.to(PATHS.regionList).length, 2);
      await pending;
    });

    it("uses exponential backoff when there is no Retry-After, capped by maxDelayMs", async () => {
      sinon.stub(Math, "random").returns(0.999);
      try {
        api.setDefault(PATHS.regionList, { status: 503, body: envelope(null) });
        const client = api.client({ retry: { retries: 4, baseDelayMs: 100, maxDelayMs: 300 } });
        const pending = caught(client.listRegions());
        await settle(clock);
        // Full jitter with random ~1: waits ~100, ~200, then capped at 300, 300.
        const seen: number[] = [];
        for (const step of [99, 2, 198, 2, 298, 2, 298, 2]) {
          await clock.tickAsync(step);
          seen.push(api.to(PATHS.regionList).length);
        }
        assert.deepEqual(seen, [1, 2, 2, 3, 3, 4, 4, 5]);
        const err = await pending;
        assert.ok(err instanceof ApiError && err.httpStatus === 503);
      } finally {
        (Math.random as sinon.SinonStub).restore();
      }
    });
  });

  it("retries 5xx until success", async () => {
    api.queue(
      PATHS.regionList,
      { status: 500, body: envelope(null) },
      { status: 502, raw: "bad gateway" },
      failure(503, "service_unavailable"),
    );
    const client = api.client();
    assert.equal((await client.listRegions()).length, 1);
    assert.equal(client.stats.calls.regionList, 4);
  });

  it("retries network errors, including timeouts", async () => {
    api.queue(PATHS.pbxUrlExisted, netError("ECONNRESET"), { hang: true }, netError("ECONNREFUSED"));
    api.setDefault(PATHS.pbxUrlExisted, { body: envelope(false) });
    const client = api.client({ timeoutMs: 20 });
    assert.equal(await client.isPbxUrlTaken("a.eu.sandbox.yeastarcloud.com"), false);
    assert.equal(api.to(PATHS.pbxUrlExisted).length, 4);
  });

  it("stops at the retry limit and says how many attempts were made", async () => {
    api.setDefault(PATHS.productList, netError("ECONNRESET", "socket hang up"));
    const client = api.client({ retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 1 } });
    const err = await caught(client.listProducts());
    assert.ok(err instanceof NetworkError);
    assert.equal(err.ambiguous, false, "a read is never ambiguous");
    assert.equal(err.retryable, true);
    assert.match(err.message, /list products failed: network error \(ECONNRESET: socket hang up\) after 3 attempts/);
    assert.match(err.message, /openapi\.partner\.example/);
    assert.equal(api.to(PATHS.productList).length, 3);
  });

  it("retries zero times when retries is 0", async () => {
    api.setDefault(PATHS.productList, { status: 503, body: envelope(null) });
    await assert.rejects(api.client({ retry: { retries: 0 } }).listProducts(), ApiError);
    assert.equal(api.to(PATHS.productList).length, 1);
  });

  it("retries the token request and price calculation like reads", async () => {
    api.queue(PATHS.token, { status: 503, body: envelope(null) }, netError("ECONNRESET"));
    api.queue(PATHS.priceCalculate, { status: 500, body: envelope(null) });
    api.setDefault(PATHS.priceCalculate, { body: envelope(fixtures.priceQuote) });
    const client = api.client();
    await client.calculatePrice({ productId: 13, operationType: "purchase_plan", serviceList: [] });
    assert.equal(client.stats.calls.token, 3);
    assert.equal(client.stats.tokenRequests, 3);
    assert.equal(client.stats.calls.priceCalculate, 2);
  });

  it("does not multiply token retries by read retries", async () => {
    api.setDefault(PATHS.token, { status: 503, body: envelope(null) });
    const client = api.client({ retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 1 } });
    const err = await caught(client.listRegions());
    assert.ok(err instanceof ApiError && err.operation === "request access token");
    assert.equal(client.stats.calls.token, 3);
    assert.equal(client.stats.calls.regionList, 0);
  });

  it("times out a read that never answers, aborting the request", async () => {
    api.setDefault(PATHS.regionList, { hang: true });
    const client = api.client({ timeoutMs: 25, retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    const started = Date.now();
    const err = await caught(client.listRegions());
    assert.ok(err instanceof NetworkError);
    assert.match(err.reason, /timeout after 25 ms/);
    assert.ok(Date.now() - started < 2_000);
    assert.ok(api.to(PATHS.regionList).every((r) => r.signal?.aborted));
  });

  it("times out even when the fetch ignores the abort signal", async () => {
    api.setDefault(PATHS.regionList, { hangDeaf: true });
    const err = await caught(api.client({ timeoutMs: 20, retry: { retries: 0 } }).listRegions());
    assert.ok(err instanceof NetworkError && /timeout/.test(err.reason));
  });

  it("parses Retry-After values", () => {
    const now = Date.UTC(2025, 0, 1);
    assert.equal(parseRetryAfter("2", now), 2000);
    assert.equal(parseRetryAfter("0.5", now), 500);
    assert.equal(parseRetryAfter(new Date(now + 10_000).toUTCString(), now), 10_000);
    assert.equal(parseRetryAfter(new Date(now - 10_000).toUTCString(), now), 0);
    assert.equal(parseRetryAfter("999999", now), MAX_RETRY_AFTER_MS);
    assert.equal(parseRetryAfter(null, now), undefined);
    assert.equal(parseRetryAfter("soon", now), undefined);
    assert.equal(parseRetryAfter("", now), undefined);
  });
});

describe("client: the order POST is never retried", () => {
  let api: FakeApi;
  beforeEach(() => {
    api = new FakeApi();
  });

  async function orderFailure(reply: Parameters<FakeApi["queue"]>[1], extra = {}): Promise<unknown> {
    api.queue(PATHS.orderSave, reply);
    api.setDefault(PATHS.orderSave, { body: envelope(fixtures.orderResult) });
    const client = api.client({ orderTimeoutMs: 30, ...extra });
    const err = await caught(client.createOrder(sampleOrder()));
    assert.equal(api.to(PATHS.orderSave).length, 1, "the order must be sent exactly once");
    assert.equal(client.stats.calls.orderSave, 1);
    return err;
  }

  const ambiguousCases: Array<[string, Parameters<FakeApi["queue"]>[1], new (...a: never[]) => Error]> = [
    ["HTTP 500 envelope", failure(500, "internal_error", "boom"), ApiError],
    ["HTTP 503 with Retry-After", { status: 503, body: envelope(null), headers: { "Retry-After": "1" } }, ApiError],
    ["HTTP 502 HTML page", { status: 502, raw: "<html>Bad Gateway</html>" }, ApiError],
    ["timeout", { hang: true }, NetworkError],
    ["connection reset", netError("ECONNRESET", "socket hang up"), NetworkError],
    ["broken pipe", netError("EPIPE"), NetworkError],
    ["unknown transport error", { error: new Error("something odd") as NodeJS.ErrnoException }, NetworkError],
    ["truncated JSON", { raw: '{"code":"success","result":{"instanceId":319' }, SchemaError],
    ["non-JSON 200", { raw: "OK" }, SchemaError],
    ["result missing orderNo", { body: envelope({ ...fixtures.orderResult, orderNo: undefined }) }, SchemaError],
    ["HTTP 404 without envelope", { status: 404, raw: "Not Found" }, ApiError],
  ];
  for (const [name, reply, type] of ambiguousCases) {
    it(`${name}: one attempt, ambiguous`, async () => {
      const err = await orderFailure(reply);
      assert.ok(err instanceof type, `${name}: got ${String(err)}`);
      assert.equal((err as unknown as { ambiguous: boolean }).ambiguous, true);
      assert.equal((err as unknown as { retryable: boolean }).retryable, false);
      assert.match((err as Error).message, /create order/);
      assert.match((err as Error).message, /may or may not have been placed/);
    });
  }

  it("uses orderTimeoutMs, not timeoutMs, for the order", async () => {
    api.queue(PATHS.orderSave, { delayMs: 40, then: { body: envelope(fixtures.orderResult) } });
    const client = api.client({ timeoutMs: 10, orderTimeoutMs: 1_000 });
    await client.getToken();
    assert.equal((await client.createOrder(sampleOrder())).orderNo, "PO2025000001");
  });

  const definiteCases: Array<[string, Parameters<FakeApi["queue"]>[1]]> = [
    ["HTTP 400 envelope", failure(400, "parameter_validation_failed", "bad quantity", { quantity: "5-500" })],
    ["HTTP 409 envelope", failure(409, "pbx_url_existed", "taken")],
    ["HTTP 429 envelope", { ...failure(429, "too_many_requests"), headers: { "Retry-After": "1" } }],
    [
      "error envelope on HTTP 200",
      { status: 200, body: { code: "insufficient_balance", detailMessage: "", requestId: "r", result: null } },
    ],
  ];
  for (const [name, reply] of definiteCases) {
    it(`${name}: one attempt, definite`, async () => {
      const err = await orderFailure(reply);
      assert.ok(err instanceof ApiError, String(err));
      assert.equal(err.ambiguous, false);
      assert.match(err.message, /No order was placed/);
    });
  }

  it("refused connection: definite NetworkError (nothing was sent)", async () => {
    const err = await orderFailure(netError("ECONNREFUSED"));
    assert.ok(err instanceof NetworkError);
    assert.equal(err.ambiguous, false);
    assert.equal(err.retryable, true);
  });

  it("401 on the order: no re-auth, no retry, definite; the next call gets a new token", async () => {
    api.queue(PATHS.orderSave, failure(401, "token_expired", "expired"));
    const client = api.client();
    const err = await caught(client.createOrder(sampleOrder()));
    assert.ok(err instanceof ApiError);
    assert.equal(err.ambiguous, false);
    assert.equal(api.to(PATHS.orderSave).length, 1);
    assert.equal(api.to(PATHS.token).length, 1);
    await client.listRegions();
    assert.equal(api.to(PATHS.token).length, 2);
    assert.equal(api.to(PATHS.regionList)[0].headers.Authorization, "Bearer canary-TOKEN-2");
  });

  it("a token failure before the order places no order", async () => {
    api.setDefault(PATHS.token, failure(401, "invalid_client", "bad secret"));
    const client = api.client();
    const err = await caught(client.createOrder(sampleOrder()));
    assert.ok(err instanceof ApiError && err.operation === "request access token");
    assert.equal(err.ambiguous, false);
    assert.equal(api.to(PATHS.orderSave).length, 0);
  });
});
