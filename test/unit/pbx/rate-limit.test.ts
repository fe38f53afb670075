/**
 * The order POST refused with 429 (docs/architecture.md, "Rate limits"): wait as the portal asked, look the PBX up
 * as after any doubt, and only then send the order again, at most MAX_ORDER_SENDS times in all.
 */
import * as assert from "node:assert/strict";
import { SERVICES } from "../../../provider/api/catalog";
import { ApiError } from "../../../provider/client/errors";
import { create, update } from "../../../provider/pbx/engine";
import {
  MAX_ORDER_SENDS,
  MAX_ORDER_WAIT_MS,
  rateLimitOf,
  sendOrder,
  waitAfterRateLimit,
} from "../../../provider/pbx/orders";
import { checked, deps, fakeApi, product, state } from "./fixtures";

function tooMany(retryAfterMs?: number) {
  return new ApiError({
    operation: "create order",
    httpStatus: 429,
    code: "too_many_requests",
    retryable: true,
    fromEnvelope: true,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

/** Deps that also record every sleep. */
function recording(api: ReturnType<typeof fakeApi>) {
  const d = deps(api);
  const sleeps: number[] = [];
  const sleep = d.deps.sleep;
  d.deps.sleep = async (ms) => {
    sleeps.push(ms);
    await sleep(ms);
  };
  return { ...d, sleeps };
}

const ORDER_RESULT = {
  instanceId: "1275655",
  orderNo: "HB3203705539121029120",
  orderStatus: "succeed",
  productNo: "3658B431119665QJ",
  transactionNo: "XN3203705540022804481",
};

describe("order POST refused with 429", function () {
  describe("the policy (orders.ts)", function () {
    it("only a 429 in the API's envelope, not an ambiguous one, is a refusal to send again", function () {
      assert.deepEqual(rateLimitOf(tooMany(2000)), { retryAfterMs: 2000 });
      assert.deepEqual(rateLimitOf(tooMany()), {});
      const gateway = Object.assign(new Error("HTTP 429 without envelope"), { httpStatus: 429, ambiguous: true });
      assert.equal(rateLimitOf(gateway), undefined);
      assert.equal(rateLimitOf(Object.assign(new Error("x"), { httpStatus: 400 })), undefined);
      assert.equal(rateLimitOf("429"), undefined);
    });

    it("waits what Retry-After says (bounded), else 1 s doubling; plus at most half of it, at most 1 s, as jitter", function () {
      assert.equal(
        waitAfterRateLimit(2000, 1, () => 0),
        2000,
      );
      assert.equal(
        waitAfterRateLimit(2000, 1, () => 0.999),
        2999,
      );
      assert.equal(
        waitAfterRateLimit(200, 1, () => 0.999),
        299,
      );
      assert.equal(
        waitAfterRateLimit(10 * MAX_ORDER_WAIT_MS, 1, () => 0),
        MAX_ORDER_WAIT_MS,
      );
      assert.deepEqual(
        [1, 2, 3, 4, 5, 6].map((n) => waitAfterRateLimit(undefined, n, () => 0)),
        [1000, 2000, 4000, 8000, 16000, MAX_ORDER_WAIT_MS],
      );
    });

    it("never sends again without looking first, and passes any other failure through unchanged", async function () {
      const api = fakeApi();
      const events: string[] = [];
      api.createOrder.callsFake(async () => {
        events.push("send");
        if (events.length === 1) throw tooMany(1000);
        throw new Error("HTTP 400 parameter_validation_failed");
      });
      const { deps: d } = deps(api);
      await assert.rejects(
        sendOrder(api, d, "test", {} as never, async () => {
          events.push("look");
          return { send: {} as never };
        }),
        /parameter_validation_failed/,
      );
      assert.deepEqual(events, ["send", "look", "send"]);
    });
  });

  describe("create", function () {
    it("waits the Retry-After, looks the URL up, then sends the order again: one PBX bought", async function () {
      const api = fakeApi();
      api.createOrder.onFirstCall().rejects(tooMany(1000));
      api.createOrder.onSecondCall().resolves(ORDER_RESULT);
      const { deps: d, sleeps, messages } = recording(api);
      const { outs } = await create({ ...checked() }, d);
      assert.equal(api.createOrder.callCount, 2);
      assert.deepEqual(api.createOrder.secondCall.args[0], api.createOrder.firstCall.args[0], "the same order");
      assert.equal(api.isPbxUrlTaken.callCount, 2, "looked up before buying and again before sending again");
      assert.ok(api.isPbxUrlTaken.secondCall.calledAfter(api.createOrder.firstCall));
      assert.ok(api.isPbxUrlTaken.secondCall.calledBefore(api.createOrder.secondCall));
      assert.equal(sleeps.length, 1);
      assert.ok(sleeps[0] >= 1000 && sleeps[0] < 1500, `waited ${sleeps[0]} ms`);
      assert.equal(outs.orderNo, ORDER_RESULT.orderNo);
      assert.equal(outs.adopted, false);
      assert.ok(messages.some((m) => /HTTP 429 \(rate limited; nothing was bought\)/.test(m.message)));
    });

    it("when the lookup finds a PBX of ours, records it and sends nothing again", async function () {
      const api = fakeApi();
      api.createOrder.rejects(tooMany(1000));
      api.isPbxUrlTaken.onSecondCall().resolves(true);
      api.findProductByUrl.resolves(product());
      const { deps: d, messages } = recording(api);
      const { outs } = await create({ ...checked() }, d);
      assert.equal(api.createOrder.callCount, 1);
      assert.equal(outs.adopted, true);
      assert.equal(outs.productNo, "3658B431119665QJ");
      assert.ok(
        messages.some((m) => m.level === "warn" && /refused with HTTP 429, but a PBX of yours/.test(m.message)),
      );
    });

    it("when the URL was taken by someone else meanwhile, stops without sending again", async function () {
      const api = fakeApi();
      api.createOrder.rejects(tooMany(1000));
      api.isPbxUrlTaken.onSecondCall().resolves(true);
      await assert.rejects(create({ ...checked() }, recording(api).deps), /taken by another Yeastar customer/);
      assert.equal(api.createOrder.callCount, 1);
    });

    it("when the lookup fails, does not send again and says nothing was bought", async function () {
      const api = fakeApi();
      api.createOrder.rejects(tooMany(1000));
      api.isPbxUrlTaken.onSecondCall().rejects(new Error("check PBX URL failed: HTTP 503"));
      await assert.rejects(
        create({ ...checked() }, recording(api).deps),
        /refused with HTTP 429 \(rate limited; nothing was bought\), and looking the URL up .*failed.*HTTP 503/,
      );
      assert.equal(api.createOrder.callCount, 1);
    });

    it(`gives up after ${MAX_ORDER_SENDS} sends with a message naming the 429 and that nothing was bought`, async function () {
      const api = fakeApi();
      api.createOrder.rejects(tooMany());
      const { deps: d, sleeps } = recording(api);
      const err = await create({ ...checked() }, d).then(
        () => assert.fail("expected an error"),
        (e: Error) => e,
      );
      assert.equal(api.createOrder.callCount, MAX_ORDER_SENDS);
      assert.equal(api.isPbxUrlTaken.callCount, 1 + MAX_ORDER_SENDS - 1, "a lookup before every send again");
      assert.equal(sleeps.length, MAX_ORDER_SENDS - 1);
      // No Retry-After: 1, 2, 4, 8 s (plus jitter).
      sleeps.forEach((ms, i) => assert.ok(ms >= 1000 * 2 ** i && ms <= 1500 * 2 ** i, `wait ${i}: ${ms}`));
      assert.match(err.message, /refused the order 5 times with HTTP 429 \(rate limited\)/);
      assert.match(err.message, /no order was placed and nothing was bought/);
      assert.match(err.message, /yeastar:requestsPerSecond/);
    });

    it("a 429 without the API's envelope is ambiguous: looked for, never sent again", async function () {
      const api = fakeApi();
      api.createOrder.rejects(
        new ApiError({
          operation: "create order",
          httpStatus: 429,
          code: "http_429",
          retryable: false,
          ambiguous: true,
        }),
      );
      await assert.rejects(create({ ...checked() }, recording(api).deps), /outcome is unknown/);
      assert.equal(api.createOrder.callCount, 1);
      assert.equal(api.findProductByUrl.callCount, 3);
    });
  });

  describe("update (follow-up orders)", function () {
    it("waits, reads the pending orders afresh and the PBX, then sends the same order again", async function () {
      const api = fakeApi();
      api.createOrder.onFirstCall().rejects(tooMany(2000));
      const { deps: d, sleeps } = recording(api);
      const { outs } = await update("1", { ...state() }, { ...checked({ extensions: 130 }) }, d);
      assert.equal(api.createOrder.callCount, 2);
      assert.equal(api.createOrder.secondCall.args[0].serviceList[0].quantity, 30);
      assert.equal(api.getProduct.callCount, 2, "read before ordering and again after the 429");
      assert.equal(api.listOrders.callCount, 2, "the order list read again, not the run's snapshot");
      assert.ok(api.getProduct.secondCall.calledAfter(api.createOrder.firstCall));
      assert.ok(sleeps[0] >= 2000);
      assert.equal(outs.extensions, 130);
      assert.equal(outs.orders.length, 1);
    });

    it("orders only what the PBX still lacks when the read after the 429 shows part of it", async function () {
      const api = fakeApi();
      api.createOrder.onFirstCall().rejects(tooMany(1000));
      api.getProduct.onSecondCall().resolves(product({ extensions: 110 }));
      const { deps: d, messages } = recording(api);
      const { outs } = await update("1", { ...state() }, { ...checked({ extensions: 130 }) }, d);
      assert.equal(api.createOrder.callCount, 2);
      assert.equal(api.createOrder.secondCall.args[0].serviceList[0].quantity, 20);
      assert.equal(outs.extensions, 130);
      assert.equal(outs.orders.at(-1)?.summary, "Extension Expansion: +20 (110 -> 130)");
      assert.ok(messages.some((m) => /already has 110 extensions/.test(m.message)));
    });

    it("sends nothing again when the read after the 429 shows the PBX has it", async function () {
      const api = fakeApi();
      api.createOrder.onFirstCall().rejects(tooMany(1000));
      api.getProduct
        .onSecondCall()
        .resolves(product({ services: [{ serviceId: SERVICES.highAvailability, quantity: 100 }] }));
      const { outs } = await update(
        "1",
        { ...state() },
        { ...checked({ highAvailability: true }) },
        recording(api).deps,
      );
      assert.equal(api.createOrder.callCount, 1);
      assert.equal(outs.highAvailability, true);
    });

    it("a later order's 429 keeps what the earlier order of the same update bought", async function () {
      const api = fakeApi();
      api.createOrder.onFirstCall().resolves(ORDER_RESULT);
      api.createOrder.onSecondCall().rejects(tooMany(1000));
      // The read after the 429 sees the expansion that succeeded.
      api.getProduct.onSecondCall().resolves(product({ extensions: 120 }));
      const { outs } = await update(
        "1",
        { ...state() },
        { ...checked({ extensions: 120, highAvailability: true }) },
        recording(api).deps,
      );
      assert.equal(api.createOrder.callCount, 3);
      assert.equal(api.createOrder.thirdCall.args[0].serviceList[0].serviceId, SERVICES.highAvailability);
      assert.equal(api.createOrder.thirdCall.args[0].serviceList[0].quantity, 120);
      assert.equal(outs.extensions, 120);
      assert.equal(outs.highAvailability, true);
      assert.equal(outs.orders.length, 2);
    });

    it(`gives up after ${MAX_ORDER_SENDS} sends: a partial error keeping the state, naming the 429`, async function () {
      const api = fakeApi();
      api.createOrder.onFirstCall().resolves(ORDER_RESULT);
      api.createOrder.rejects(tooMany(1000));
      api.getProduct.resolves(product({ extensions: 120 }));
      api.getProduct.onFirstCall().resolves(product());
      const err = await update(
        "1",
        { ...state() },
        { ...checked({ extensions: 120, highAvailability: true }) },
        recording(api).deps,
      ).then(
        () => assert.fail("expected an error"),
        (e: Error & { id: string; properties: Record<string, unknown> }) => e,
      );
      assert.equal(api.createOrder.callCount, 1 + MAX_ORDER_SENDS);
      assert.equal(err.id, "1");
      assert.equal(err.properties.extensions, 120, "the expansion bought earlier is kept");
      assert.equal(err.properties.highAvailability, false);
      assert.match(err.message, /order for High Availability .* refused the order 5 times with HTTP 429/);
      assert.match(err.message, /nothing was bought/);
    });
  });
});
