/**
 * Never buy twice when the state is behind the portal: follow-up orders are planned from what the Partner
 * Portal says the PBX has and has pending (docs/architecture.md, "Never buy twice").
 */
import * as assert from "node:assert/strict";
import { PLANS, SERVICES } from "../../../provider/api/catalog";
import { check, create, diffWithPortal, read, update } from "../../../provider/pbx/engine";
import { DRY_RUN_KEY } from "../../../provider/api/inputs";
import { portalFacts, reconcile, withPending } from "../../../provider/pbx/reconcile";
import { checked, deps, fakeApi, haService, product, rawInputs, resolved, state } from "./fixtures";

const SERIAL = "3658B431119665QJ";

function pendingOrder(orderNo: string, serviceId: string, quantity: number, productNo = SERIAL) {
  return {
    info: { id: "77", orderNo, orderStatus: "pending" },
    detail: (status: string) => ({
      basicInformation: { productId: "13", productName: "P-Series Cloud Edition", productNo },
      orderInformation: { id: "77", orderNo, orderStatus: status, operationType: "purchase_service" },
      orderSummary: {
        serviceList: [{ serviceType: "service", serviceId, quantity, connectionPlanId: PLANS.enterprise }],
      },
    }),
  };
}

function page<T>(results: T[]) {
  return { count: results.length, pageNo: 1, pageSize: 100, results, total: results.length, totalPage: 1 };
}

async function failure(p: Promise<unknown>): Promise<Error & { id?: string; properties?: Record<string, unknown> }> {
  return p.then(
    () => assert.fail("expected an error"),
    (e) => e as Error,
  );
}

describe("reconcile (pure)", function () {
  it("counts pending expansions, minutes, HA and a plan switch on top of what the PBX has", function () {
    const facts = portalFacts(product({ extensions: 50 }));
    const out = withPending(facts, [
      {
        orderNo: "A",
        operationType: "purchase_service",
        productNo: SERIAL,
        items: [
          { serviceType: "service", serviceId: SERVICES.extensionExpansion, quantity: 20 },
          { serviceType: "service", serviceId: SERVICES.recordingMinutes, quantity: 300 },
          { serviceType: "service", serviceId: SERVICES.highAvailability, quantity: 70 },
        ],
      },
      {
        orderNo: "B",
        operationType: "switch_plan",
        productNo: SERIAL,
        items: [{ serviceType: "plan", serviceId: PLANS.ultimate, quantity: 70 }],
      },
    ]);
    assert.deepEqual(
      { ...out },
      {
        ...facts,
        extensions: 70,
        recordingMinutes: 300,
        highAvailability: true,
        pendingPlan: "ultimate",
      },
    );
  });

  it("orders only the rest when the portal has more than the state but not more than the program", function () {
    const r = reconcile(
      state({ extensions: 100 }),
      checked({ extensions: 130 }),
      portalFacts(product({ extensions: 120 })),
    );
    assert.deepEqual(r.failures, []);
    assert.equal(r.base.extensions, 120);
    assert.match(
      r.notes[0],
      /already has 120 extensions .* state said 100; recorded, not bought again; ordering only the remaining 10/,
    );
  });

  it("fails with the portal's figure when the portal has more than the program", function () {
    const r = reconcile(
      state({ extensions: 100 }),
      checked({ extensions: 110 }),
      portalFacts(product({ extensions: 140 })),
      1,
    );
    assert.equal(r.failures.length, 1);
    assert.equal(r.failures[0].property, "extensions");
    assert.match(
      r.failures[0].reason,
      /Partner Portal shows 140 extensions .*counting 1 pending order, and the program asks for 110; .*nothing was ordered\. Set extensions to 140/,
    );
  });

  it("a portal plan that is neither the state's nor the program's fails; the program's is recorded", function () {
    const ultimate = portalFacts(product({ planId: PLANS.ultimate }));
    const asked = reconcile(state(), checked({ plan: "ultimate" }), ultimate);
    assert.deepEqual(asked.failures, []);
    assert.equal(asked.base.plan, "ultimate");
    const other = reconcile(
      state({ plan: "ultimate", planId: PLANS.ultimate }),
      checked({ plan: "ultimate", extensions: 120 }),
      ultimate,
    );
    assert.deepEqual(other.failures, [], "portal on the state's plan: nothing to say");
    const outside = reconcile(state(), checked({ extensions: 120 }), ultimate);
    assert.equal(outside.failures[0]?.property, "plan");
  });

  it("HA in the portal that the program does not ask for fails; one it asks for is recorded", function () {
    const ha = portalFacts(product({ services: [haService(100)] }));
    assert.equal(reconcile(state(), checked({ extensions: 120 }), ha).failures[0]?.property, "highAvailability");
    const r = reconcile(state(), checked({ highAvailability: true }), ha);
    assert.deepEqual(r.failures, []);
    assert.equal(r.base.highAvailability, true);
  });

  it("a billing cycle in the portal other than the program's fails", function () {
    const r = reconcile(state(), checked({ extensions: 120 }), portalFacts(product({ billingCycle: "monthly" })));
    assert.equal(r.failures[0]?.property, "billingCycle");
  });
});

describe("engine: update reconciles with the portal before follow-up orders", function () {
  it("state behind the portal (a lost checkpoint): orders only the rest, with a warning", async function () {
    const api = fakeApi();
    api.getProduct.resolves(product({ extensions: 120 }));
    const d = deps(api);
    const { outs } = await update("1", { ...state() }, { ...checked({ extensions: 130 }) }, d.deps);
    assert.equal(api.createOrder.callCount, 1);
    assert.equal(api.createOrder.firstCall.args[0].serviceList[0].quantity, 10);
    assert.equal(outs.extensions, 130);
    assert.ok(d.messages.some((m) => m.level === "warn" && /already has 120 extensions/.test(m.message)));
  });

  it("the portal already has what the program asks for: no order, recorded", async function () {
    const api = fakeApi();
    api.getProduct.resolves(
      product({
        extensions: 130,
        planId: PLANS.ultimate,
        services: [haService(130), { serviceId: SERVICES.recordingMinutes, quantity: 500 }],
      }),
    );
    const { outs } = await update(
      "1",
      { ...state() },
      { ...checked({ extensions: 130, highAvailability: true, recordingMinutes: 500, plan: "ultimate" }) },
      deps(api).deps,
    );
    assert.equal(api.createOrder.callCount, 0);
    assert.equal(outs.extensions, 130);
    assert.equal(outs.highAvailability, true);
    assert.equal(outs.recordingMinutes, 500);
    assert.equal(outs.plan, "ultimate");
  });

  it("the portal has more than the program: nothing ordered, the error gives the portal's figure", async function () {
    const api = fakeApi();
    api.getProduct.resolves(product({ extensions: 150 }));
    const err = await failure(update("1", { ...state() }, { ...checked({ extensions: 130 }) }, deps(api).deps));
    assert.match(err.message, /Partner Portal shows 150 extensions .* program asks for 130.*Set extensions to 150/);
    assert.equal(api.createOrder.callCount, 0);
    assert.equal(err.id, undefined, "a plain error: the state is left as it was");
  });

  for (const [name, arrange] of [
    ["the product read fails", (api: ReturnType<typeof fakeApi>) => api.getProduct.rejects(new Error("HTTP 503"))],
    ["the PBX is not found", (api: ReturnType<typeof fakeApi>) => api.getProduct.resolves(undefined)],
    ["the order list fails", (api: ReturnType<typeof fakeApi>) => api.listOrders.rejects(new Error("socket hang up"))],
  ] as const) {
    it(`${name}: no order, a clear error, state unchanged`, async function () {
      const api = fakeApi();
      arrange(api);
      const err = await failure(update("1", { ...state() }, { ...checked({ extensions: 130 }) }, deps(api).deps));
      assert.match(err.message, /nothing new was ordered and the stack's state is unchanged/);
      assert.equal(api.createOrder.callCount, 0);
      assert.equal(err.id, undefined);
    });
  }

  it("an order an earlier run left pending is waited for and never repeated", async function () {
    const api = fakeApi();
    const earlier = pendingOrder("HB111", SERVICES.extensionExpansion, 30);
    api.listOrders.resolves(page([earlier.info]));
    api.getOrder.onFirstCall().resolves(earlier.detail("pending")); // the scan
    api.getOrder.onSecondCall().resolves(earlier.detail("pending")); // first poll
    api.getOrder.resolves(earlier.detail("succeed"));
    api.getProduct.resolves(product({ extensions: 130 }));
    const d = deps(api);
    const { outs } = await update("1", { ...state() }, { ...checked({ extensions: 130 }) }, d.deps);
    assert.equal(api.createOrder.callCount, 0);
    assert.equal(outs.extensions, 130);
    assert.ok(d.clock.t > 0, "it waited");
    assert.ok(api.getProduct.calledAfter(api.getOrder), "the PBX is read after the pending order finished");
  });

  it("an earlier order still pending at the deadline is recorded as pending; nothing new is ordered", async function () {
    const api = fakeApi();
    const earlier = pendingOrder("HB222", SERVICES.extensionExpansion, 30);
    api.listOrders.resolves(page([earlier.info]));
    api.getOrder.resolves(earlier.detail("pending"));
    const err = await failure(
      update("1", { ...state() }, { ...checked({ extensions: 130, orderTimeoutSeconds: 5 }) }, deps(api).deps),
    );
    assert.match(err.message, /order HB222, placed earlier, is still pending/);
    assert.equal(err.id, "1");
    assert.equal(err.properties?.orderStatus, "pending");
    assert.equal(err.properties?.orderNo, "HB222");
    assert.equal(api.createOrder.callCount, 0);
  });

  it("pending orders of other PBXs are not waited for", async function () {
    const api = fakeApi();
    const other = pendingOrder("HB333", SERVICES.extensionExpansion, 30, "OTHERSERIAL");
    api.listOrders.resolves(page([other.info]));
    api.getOrder.resolves(other.detail("pending"));
    const { outs } = await update("1", { ...state() }, { ...checked({ extensions: 110 }) }, deps(api).deps);
    assert.equal(api.createOrder.callCount, 1);
    assert.equal(outs.extensions, 110);
  });

  it("costs one product read and one order-list page when nothing is pending; none without orders", async function () {
    const api = fakeApi();
    await update("1", { ...state() }, { ...checked({ extensions: 110 }) }, deps(api).deps);
    assert.equal(api.getProduct.callCount, 1);
    assert.equal(api.listOrders.callCount, 1);
    const quiet = fakeApi();
    await update("1", { ...state() }, { ...checked({ poNumber: "PO-1" }) }, deps(quiet).deps);
    assert.equal(quiet.getProduct.callCount + quiet.listOrders.callCount, 0);
  });
});

describe("engine: a preview lists the orders up will place, from the portal", function () {
  function previewCheck(api: ReturnType<typeof fakeApi>, overrides: Record<string, unknown>) {
    api.findProductByUrl.resolves(product());
    const d = deps(api);
    return { d, run: check({ ...checked() }, { ...rawInputs(overrides), [DRY_RUN_KEY]: true }, d.deps) };
  }

  it("fails the preview, naming the field, when the portal has more than the program", async function () {
    const api = fakeApi();
    api.getProduct.resolves(product({ extensions: 150 }));
    const { failures } = await previewCheck(api, { extensions: 130 }).run;
    assert.equal(failures?.[0]?.property, "extensions");
    assert.match(String(failures?.[0]?.reason), /Partner Portal shows 150 extensions/);
  });

  it("counts pending orders without waiting for them", async function () {
    const api = fakeApi();
    const earlier = pendingOrder("HB444", SERVICES.extensionExpansion, 40);
    api.listOrders.resolves(page([earlier.info]));
    api.getOrder.resolves(earlier.detail("pending"));
    const { failures } = await previewCheck(api, { extensions: 130 }).run;
    assert.match(String(failures?.[0]?.reason), /shows 140 extensions .*counting 1 pending order/);
  });

  it("lists only what the portal does not have yet, priced, and says so in one diagnostics line", async function () {
    const api = fakeApi();
    api.getProduct.resolves(product({ extensions: 120 }));
    api.calculatePrice.resolves({ currencyCode: "USD", totalAmount: "55.00", items: [] });
    const { d, run } = previewCheck(api, { extensions: 130, highAvailability: true });
    const { inputs } = await run;
    const planned = (inputs as { plannedOrders: Array<Record<string, unknown>> }).plannedOrders;
    assert.deepEqual(
      planned.map((o) => [o.operation, o.item, o.quantity, o.price]),
      [
        ["purchase_service", "Extension Expansion", 10, "USD 55.00 per year"],
        ["purchase_service", "High Availability", 130, "USD 55.00 per year"],
      ],
    );
    assert.equal((inputs as { priceEstimate?: string }).priceEstimate, undefined, "no stale purchase price");
    assert.equal(api.createOrder.callCount, 0);
    assert.ok(
      d.messages.some((m) => m.level === "info" && /will place 2 orders: Extension Expansion: \+10/.test(m.message)),
    );
    assert.ok(d.messages.some((m) => m.level === "warn" && /already has 120 extensions/.test(m.message)));
  });

  it("a failing price API never blocks the preview: the price reads unavailable", async function () {
    const api = fakeApi();
    api.calculatePrice.rejects(new Error("HTTP 503"));
    const { inputs } = await previewCheck(api, { recordingMinutes: 300 }).run;
    const [order] = (inputs as { plannedOrders: Array<Record<string, unknown>> }).plannedOrders;
    assert.match(String(order.price), /^unavailable/);
    assert.equal(order.amount, undefined);
  });

  it("a plan downgrade: its price is the new plan's from the end of the term, not an extra charge", async function () {
    const api = fakeApi();
    api.findProductByUrl.resolves(product({ planId: PLANS.ultimate }));
    api.getProduct.resolves(product({ planId: PLANS.ultimate, expireDate: "2027-11-28" }));
    api.calculatePrice.resolves({ currencyCode: "USD", totalAmount: "240.00", items: [] });
    const d = deps(api);
    const olds = checked({ plan: "ultimate", resolved: resolved({ planId: PLANS.ultimate }) });
    const { inputs } = await check({ ...olds }, { ...rawInputs({ plan: "enterprise" }), [DRY_RUN_KEY]: true }, d.deps);
    const [order] = (inputs as { plannedOrders: Array<Record<string, unknown>> }).plannedOrders;
    assert.deepEqual(
      [order.operation, order.amount, order.period, order.startsAt, order.termEnd, order.price],
      [
        "switch_plan",
        "240.00",
        "year",
        "term-end",
        "2027-11-28",
        "the enterprise plan's price from the end of the current term (2027-11-28): USD 240.00 per year, in place of the current plan's",
      ],
    );
    const line = d.messages.find((m) => m.level === "info")?.message ?? "";
    assert.match(
      line,
      /plan switch \(downgrade\): ultimate -> enterprise, billed annually \(takes effect when the current term ends\) \[the enterprise plan's price from the end of the current term \(2027-11-28\): USD 240\.00 per year, in place of the current plan's\]$/,
    );
    assert.equal(api.createOrder.callCount, 0);
  });

  it("a plan upgrade keeps a plain price (it applies when its order succeeds)", async function () {
    const api = fakeApi();
    api.findProductByUrl.resolves(product());
    api.calculatePrice.resolves({ currencyCode: "USD", totalAmount: "300.00", items: [] });
    const d = deps(api);
    const { inputs } = await check(
      { ...checked() },
      { ...rawInputs({ plan: "ultimate" }), [DRY_RUN_KEY]: true },
      d.deps,
    );
    const [order] = (inputs as { plannedOrders: Array<Record<string, unknown>> }).plannedOrders;
    assert.equal(order.price, "USD 300.00 per year");
    assert.equal(order.startsAt, undefined);
  });

  it("in an update, check reads nothing for a change: update reads right before ordering", async function () {
    const api = fakeApi();
    const { inputs } = await check(
      { ...checked() },
      { ...rawInputs({ extensions: 130 }), [DRY_RUN_KEY]: false },
      deps(api).deps,
    );
    assert.equal((inputs as { plannedOrders?: unknown }).plannedOrders, undefined);
    assert.equal(api.findProductByUrl.callCount + api.getProduct.callCount + api.listOrders.callCount, 0);
  });

  it("a new PBX lists its purchase; an existing PBX of ours found by URL lists an adoption", async function () {
    const api = fakeApi();
    const fresh = await check({}, { ...rawInputs(), [DRY_RUN_KEY]: true }, deps(api).deps);
    const [buy] = (fresh.inputs as { plannedOrders: Array<Record<string, unknown>> }).plannedOrders;
    assert.equal(buy.operation, "purchase_plan");
    assert.equal(buy.quantity, 100);
    assert.equal(buy.price, (fresh.inputs as { priceEstimate: string }).priceEstimate);
    const ours = fakeApi();
    ours.isPbxUrlTaken.resolves(true);
    ours.findProductByUrl.resolves(product());
    const adopted = await check({}, { ...rawInputs(), [DRY_RUN_KEY]: true }, deps(ours).deps);
    const [adopt] = (adopted.inputs as { plannedOrders: Array<Record<string, unknown>> }).plannedOrders;
    assert.equal(adopt.operation, "adopt");
    assert.match(String(adopt.summary), /adopt, no order/);
    assert.equal(ours.calculatePrice.callCount, 0);
  });
});

describe("engine: diff in a preview fails what up would refuse against the state", function () {
  async function asPreview(dryRun: boolean) {
    // check records whether this process serves a preview; it makes no call for unchanged values.
    await check({ ...checked() }, { ...rawInputs(), [DRY_RUN_KEY]: dryRun }, deps(fakeApi()).deps);
  }

  // diff takes no API client: it cannot call the portal.
  it("fails a lowered value against the state (adopted with other values)", async function () {
    await asPreview(true);
    const err = await failure(
      diffWithPortal("1", { ...state({ extensions: 150, adopted: true }) }, { ...checked({ extensions: 130 }) }),
    );
    assert.match(err.message, /extensions is 130, lower than the 150 already bought.*set extensions to 150/);
  });

  it("in an update (not a preview) diff fails nothing: update decides, after reading the portal", async function () {
    await asPreview(false);
    const d = await diffWithPortal("1", { ...state({ extensions: 150 }) }, { ...checked({ extensions: 130 }) });
    assert.equal(d.changes, true);
  });
});

describe("engine: a PBX found by URL is recorded as it really is (chaos campaign findings)", function () {
  function ambiguous() {
    return Object.assign(new Error("socket hang up"), { ambiguous: true });
  }
  function purchase(orderNo: string, status: string) {
    return {
      basicInformation: { productId: "13", productName: "P-Series Cloud Edition", productNo: SERIAL },
      orderInformation: { id: "9", orderNo, orderStatus: status, operationType: "purchase_plan" },
      orderSummary: { serviceList: [{ serviceType: "plan", serviceId: PLANS.enterprise, quantity: 100 }] },
    };
  }

  it("a reply lost for a purchase that failed: not adopted, nothing claimed live", async function () {
    const api = fakeApi();
    api.createOrder.rejects(ambiguous());
    api.findProductByUrl.resolves(product({ status: "failed" }));
    const err = await failure(create({ ...checked() }, deps(api).deps));
    assert.match(err.message, /its purchase failed, so nothing is active and nothing was bought/);
    assert.equal(err.id, undefined);
    assert.equal(api.createOrder.callCount, 1);
  });

  it("a reply lost for a purchase still pending: its order is found and waited for", async function () {
    const api = fakeApi();
    api.createOrder.rejects(ambiguous());
    api.findProductByUrl.resolves(product({ status: "pending" }));
    api.listOrders.resolves(page([{ id: "9", orderNo: "HB900", orderStatus: "pending" }]));
    api.getOrder.onFirstCall().resolves(purchase("HB900", "pending"));
    api.getOrder.resolves(purchase("HB900", "succeed"));
    const { outs } = await create({ ...checked() }, deps(api).deps);
    assert.equal(outs.orderNo, "HB900");
    assert.equal(outs.orderStatus, "succeed");
    assert.equal(outs.status, "active");
    assert.equal(api.createOrder.callCount, 1);
  });

  it("a purchase still pending at the deadline: recorded as pending with its order, never bought again", async function () {
    const api = fakeApi();
    api.createOrder.rejects(ambiguous());
    api.findProductByUrl.resolves(product({ status: "pending" }));
    api.listOrders.resolves(page([{ id: "9", orderNo: "HB901", orderStatus: "pending" }]));
    api.getOrder.resolves(purchase("HB901", "pending"));
    const err = await failure(create({ ...checked({ orderTimeoutSeconds: 3 }) }, deps(api).deps));
    assert.match(err.message, /purchase \(order HB901\) is still pending/);
    assert.equal(err.properties?.orderNo, "HB901");
    assert.equal(err.properties?.orderStatus, "pending");
  });

  it("refresh drops a PBX whose purchase failed: nothing is active, the next up buys it again", async function () {
    const api = fakeApi();
    api.getProduct.resolves(product({ status: "failed" }));
    const d = deps(api);
    assert.deepEqual(await read("1", { ...state() }, d.deps), {});
    assert.ok(d.messages.some((m) => /its purchase failed .* removing it from the stack/.test(m.message)));
  });

  it("a state left pending with no order number is settled from the PBX's status", async function () {
    const api = fakeApi();
    api.getProduct.resolves(product({ status: "active" }));
    const { outs } = await update(
      "1",
      { ...state({ orderStatus: "pending", orderNo: "" }) },
      { ...checked() },
      deps(api).deps,
    );
    assert.equal(outs.orderStatus, "succeed");
    assert.equal(outs.status, "active");
    assert.equal(api.createOrder.callCount, 0);
  });
});
