/**
 * The client under a rate limit: the optional steady request rate (`requestsPerSecond`), the pause of every request
 * after a 429 with Retry-After, reads retried after a 429 as the server asked, and the order POST sent once.
 */
import * as assert from "node:assert/strict";
import * as sinon from "sinon";
import { PATHS } from "../../../provider/api/catalog";
import { ApiError, ConfigError } from "../../../provider/client/errors";
import { RequestGate } from "../../../provider/client/gate";
import { FakeApi, envelope, failure, fixtures, sampleOrder } from "./fake-api";

const TOO_MANY = (retryAfter?: string) => ({
  ...failure(429, "too_many_requests", "slow down"),
  ...(retryAfter === undefined ? {} : { headers: { "Retry-After": retryAfter } }),
});

describe("client: rate limits", () => {
  let api: FakeApi;
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    api = new FakeApi();
    clock = sinon.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
  });
  afterEach(() => clock.restore());

  it("requestsPerSecond spaces every request, the token included, 1000/rate ms apart", async () => {
    const client = api.client({ requestsPerSecond: 10 });
    const done = Promise.all([1, 2, 3, 4].map(() => client.isPbxUrlTaken("a.eu.sandbox.yeastarcloud.com")));
    api.setDefault(PATHS.pbxUrlExisted, { body: envelope(false) });
    const seen: number[] = [];
    for (let i = 0; i < 6; i++) {
      await clock.tickAsync(i === 0 ? 0 : 100);
      seen.push(api.requests.length);
    }
    // t=0 the token, then one read every 100 ms.
    assert.deepEqual(seen, [1, 2, 3, 4, 5, 5]);
    await done;
  });

  it("without requestsPerSecond nothing waits", async () => {
    api.setDefault(PATHS.pbxUrlExisted, { body: envelope(false) });
    const client = api.client();
    const done = Promise.all([1, 2, 3, 4].map(() => client.isPbxUrlTaken("a.eu.sandbox.yeastarcloud.com")));
    await clock.tickAsync(0);
    assert.equal(api.to(PATHS.pbxUrlExisted).length, 4);
    await done;
  });

  for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 1001]) {
    it(`refuses requestsPerSecond ${bad}, naming the field, the value and the range`, () => {
      assert.throws(
        () => api.client({ requestsPerSecond: bad }),
        (e: unknown) =>
          e instanceof ConfigError &&
          e.field === "requestsPerSecond" &&
          e.message.includes(JSON.stringify(String(bad))) &&
          /greater than 0 and at most 1000/.test(e.message),
      );
    });
  }

  it("a read refused with 429 is retried only after Retry-After; every other request waits too, then all go paced", async () => {
    api.queue(PATHS.regionList, TOO_MANY("2"));
    api.setDefault(PATHS.pbxUrlExisted, { body: envelope(false) });
    const client = api.client();
    await client.getToken();
    const regions = client.listRegions();
    await clock.tickAsync(0);
    assert.equal(api.to(PATHS.regionList).length, 1);
    // Another read of the same run, asked while the client is held: it waits for the Retry-After as well.
    const other = client.isPbxUrlTaken("b.eu.sandbox.yeastarcloud.com");
    await clock.tickAsync(1_900);
    assert.equal(api.to(PATHS.pbxUrlExisted).length, 0, "held by the 429's Retry-After");
    assert.equal(api.to(PATHS.regionList).length, 1);
    await clock.tickAsync(200);
    assert.equal(api.to(PATHS.pbxUrlExisted).length, 1, "the first waiting request goes when the pause ends");
    assert.equal(api.to(PATHS.regionList).length, 1);
    // One request passed in the second before the 429 (the token): the pace is 0.8 per second, 1250 ms apart.
    await clock.tickAsync(1_100);
    assert.equal(api.to(PATHS.regionList).length, 1, "paced after the pause");
    await clock.tickAsync(100);
    assert.equal(api.to(PATHS.regionList).length, 2);
    assert.equal((await regions).length, 1);
    assert.equal(await other, false);
    assert.equal(client.stats.rateLimited, 1);
  });

  it("the order POST refused with 429 is not sent again by the client: a definite refusal with its Retry-After", async () => {
    api.queue(PATHS.orderSave, TOO_MANY("3"));
    api.setDefault(PATHS.orderSave, { body: envelope(fixtures.orderResult) });
    const client = api.client();
    const err = await client.createOrder(sampleOrder()).then(
      () => assert.fail("expected an error"),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ApiError);
    assert.equal(err.httpStatus, 429);
    assert.equal(err.ambiguous, false);
    assert.equal(err.retryable, true);
    assert.equal(err.retryAfterMs, 3_000);
    assert.match(err.message, /No order was placed/);
    assert.equal(api.to(PATHS.orderSave).length, 1);
    // The next request of the run (here the order sent again by the provider) waits for the Retry-After.
    const again = client.createOrder(sampleOrder());
    await clock.tickAsync(2_900);
    assert.equal(api.to(PATHS.orderSave).length, 1);
    await clock.tickAsync(200);
    assert.equal(api.to(PATHS.orderSave).length, 2);
    assert.equal((await again).orderNo, fixtures.orderResult.orderNo);
  });

  it("a 429 without Retry-After pauses nothing, but paces the requests after it", async () => {
    api.queue(PATHS.regionList, TOO_MANY());
    api.setDefault(PATHS.pbxUrlExisted, { body: envelope(false) });
    const client = api.client();
    await client.getToken();
    const regions = client.listRegions();
    await clock.tickAsync(0);
    const other = client.isPbxUrlTaken("b.eu.sandbox.yeastarcloud.com");
    const sent = () => api.to(PATHS.regionList).length + api.to(PATHS.pbxUrlExisted).length;
    await clock.tickAsync(10);
    assert.equal(sent(), 2, "no pause: the next request (the retry or the other read) goes at once");
    await clock.tickAsync(1_200);
    assert.equal(sent(), 2, "the one after it waits its turn at the learned pace");
    await clock.tickAsync(100);
    assert.equal(sent(), 3);
    await regions;
    await other;
  });

  it("the learned pace: 80% of what passed in the second before the 429, relaxing twofold every 5 s", async () => {
    const gate = new RequestGate(undefined);
    for (let i = 0; i < 11; i++) await gate.acquire();
    assert.equal(gate.rateLimited(1_000), 8, "10 passed, the 11th was refused");
    const started: number[] = [];
    const t0 = Date.now();
    const run = Promise.all([1, 2, 3].map(() => gate.acquire().then(() => started.push(Date.now() - t0))));
    await clock.tickAsync(1_500);
    await run;
    assert.deepEqual(started, [1_000, 1_125, 1_250]);
    await clock.tickAsync(5_000);
    assert.ok(gate.rateLimited(undefined) <= 8, "a new 429 never speeds the pace up");
    await clock.tickAsync(60_000);
    const t1 = Date.now();
    await Promise.all([gate.acquire(), gate.acquire(), gate.acquire()]);
    assert.equal(Date.now(), t1, "relaxed back to no pace after a quiet minute");
  });

  it("requestsPerSecond stays the floor of the pace after a 429", async () => {
    const gate = new RequestGate(2);
    assert.equal(gate.rateLimited(undefined), 0.8, "nothing passed before: 0.8 per second");
    await clock.tickAsync(60_000);
    const t0 = Date.now();
    await gate.acquire();
    const second = gate.acquire();
    await clock.tickAsync(499);
    let done = false;
    void second.then(() => (done = true));
    await clock.tickAsync(0);
    assert.equal(done, false);
    await clock.tickAsync(1);
    await second;
    assert.equal(Date.now() - t0, 500);
  });
});
