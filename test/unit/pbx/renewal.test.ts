/**
 * Renewals (provider/pbx/renewal.ts): how many `renew_plan` orders a `renewThrough` date takes, what each one
 * carries, which dates fail and why, and, through the engine against a stubbed PartnerApi, that the count comes
 * from the portal's expiry and pending renewals, never from the state alone.
 */
import * as assert from "node:assert/strict";
import { PLANS, SERVICES } from "../../../provider/api/catalog";
import { diff, update } from "../../../provider/pbx/engine";
import {
  MAX_RENEWALS_PER_RUN,
  firstTermEnd,
  renewalFailures,
  renewalOrder,
  renewalOrders,
  renewalPlanFailures,
  termsThrough,
} from "../../../provider/pbx/renewal";
import { followUpOrders } from "../../../provider/pbx/order-plan";
import { addCycle } from "../../../provider/api/terms";
import { checked, deps, fakeApi, product, state } from "./fixtures";

const SERIAL = "3658B431119665QJ";
const TODAY = "2026-12-06";
const wanted = (renewThrough?: string) => ({ renewThrough, poNumber: undefined, resolved: checked().resolved });

function page<T>(results: T[]) {
  return { count: results.length, pageNo: 1, pageSize: 100, results, total: results.length, totalPage: 1 };
}

function clockAt(date: string) {
  return { t: Date.parse(`${date}T12:00:00Z`) };
}

describe("renewals (pure)", function () {
  it("counts one term per billing cycle from the expiry until the date is covered", function () {
    assert.deepEqual(termsThrough("2027-11-28", "2028-12-31", "annually", TODAY), [
      { from: "2027-11-28", to: "2028-11-28" },
      { from: "2028-11-28", to: "2029-11-28" },
    ]);
    assert.deepEqual(termsThrough("2027-11-28", "2027-11-28", "annually", TODAY), []);
    assert.equal(termsThrough("2027-01-31", "2027-04-15", "monthly", TODAY).length, 3);
  });

  it("a lapsed PBX's new term starts today, as the portal starts it", function () {
    assert.deepEqual(termsThrough("2026-01-10", "2027-06-01", "annually", TODAY), [
      { from: "2026-01-10", to: "2027-12-06" },
    ]);
  });

  it("one order renews the PBX as it is: its plan, exact extensions, cycle and every service", function () {
    const order = renewalOrder(
      { ...state({ highAvailability: true, recordingMinutes: 300, extensions: 120 }), expireDate: "2027-11-28" },
      wanted("2028-06-01"),
      { from: "2027-11-28", to: "2028-11-28" },
    );
    assert.equal(order.request.operationType, "renew_plan");
    assert.equal(order.request.productNo, SERIAL);
    assert.deepEqual(
      order.request.serviceList.map((s) => [s.serviceType, s.serviceId, s.quantity, s.purchaseType, s.billingCycle]),
      [
        ["plan", PLANS.enterprise, 120, "renew", "annually"],
        ["service", SERVICES.highAvailability, 120, "renew", "annually"],
        ["service", SERVICES.recordingMinutes, 300, "renew", "annually"],
      ],
    );
    assert.equal(order.until, "2028-11-28");
    assert.match(order.summary, /one more year of the enterprise plan for 120 extensions \+ High Availability/);
  });

  it("orders nothing without a date or an expiry, or past the per-run limit", function () {
    const pbx = { ...state(), expireDate: "2027-11-28" };
    assert.deepEqual(renewalOrders(pbx, wanted(undefined), TODAY), []);
    assert.deepEqual(renewalOrders({ ...pbx, expireDate: "" }, wanted("2028-06-01"), TODAY), []);
    assert.equal(renewalOrders(pbx, wanted("2028-06-01"), TODAY).length, 1);
    const far = addCycle("2027-11-28", "monthly");
    assert.equal(renewalOrders({ ...pbx, billingCycle: "monthly" }, wanted(far), TODAY).length, 1);
    assert.deepEqual(renewalOrders({ ...pbx, billingCycle: "monthly" }, wanted("2029-01-01"), TODAY), []);
  });

  it("says why renewals cannot be planned: no expiry, too many terms, a plan switch in the same run", function () {
    const pbx = { ...state(), expireDate: "2027-11-28" };
    const reasons = (p: typeof pbx, through: string, plan = "enterprise") =>
      renewalPlanFailures(p, { ...wanted(through), plan: plan as "enterprise" }, TODAY).map((f) => f.reason);
    assert.match(reasons({ ...pbx, expireDate: "" }, "2028-06-01")[0], /does not report when PBX .* expires/);
    assert.match(
      reasons({ ...pbx, billingCycle: "monthly" }, "2029-01-01")[0],
      new RegExp(`more than ${MAX_RENEWALS_PER_RUN} renewal orders of one month each`),
    );
    assert.match(reasons(pbx, "2028-06-01", "ultimate")[0], /also switches its plan \(enterprise -> ultimate\)/);
    assert.deepEqual(reasons(pbx, "2028-06-01"), []);
    assert.deepEqual(reasons(pbx, "2027-01-01", "ultimate"), [], "nothing to renew: the plan switch alone is fine");
  });

  it("a new or changed date in the past, or one the state is already paid through, fails naming the field", function () {
    const s = { expireDate: "2027-11-28", pbxUrl: "acme-hq.eu.sandbox.yeastarcloud.com" };
    const [past] = renewalFailures(s, { renewThrough: "2026-01-01" }, TODAY);
    assert.equal(past.property, "renewThrough");
    assert.match(past.reason, /renewThrough is 2026-01-01, a date in the past \(today is 2026-12-06\)/);
    const [covered] = renewalFailures(s, { renewThrough: "2027-06-30" }, TODAY);
    assert.match(covered.reason, /already paid through 2027-11-28, so it would order nothing/);
    assert.deepEqual(renewalFailures(s, { renewThrough: "2028-06-30" }, TODAY), []);
    assert.deepEqual(
      renewalFailures({ ...s, renewThrough: "2026-01-01" } as never, { renewThrough: "2026-01-01" }, TODAY),
      [],
      "a date the stack already holds never fails as time passes",
    );
  });

  it("a new PBX's first term ends one billing cycle after the purchase", function () {
    assert.equal(firstTermEnd("2026-12-06", "annually"), "2027-12-06");
    assert.equal(firstTermEnd("2027-01-31", "monthly"), "2027-02-28");
  });

  it("follow-up orders list renewals after the other orders, from the PBX they leave", function () {
    const orders = followUpOrders(
      state({ expireDate: "2027-11-28" }),
      { ...checked({ extensions: 120, renewThrough: "2028-06-01" } as never) },
      TODAY,
    );
    assert.deepEqual(
      orders.map((o) => o.field),
      ["extensions", "renewal"],
    );
    const renewal = orders[1];
    assert.equal(renewal.request.serviceList[0].quantity, 120, "the renewal renews the expanded PBX");
  });
});

describe("renewals through the engine", function () {
  it("diff: a declared date past the recorded expiry is a change; a covered one is not", function () {
    const s = state({ expireDate: "2027-11-28" });
    assert.equal(diff("1", s, { ...checked({ renewThrough: "2028-06-01" } as never) }).changes, true);
    const covered = state({ expireDate: "2028-11-28", renewThrough: "2028-06-01" } as never);
    assert.equal(diff("1", covered, { ...checked({ renewThrough: "2028-06-01" } as never) }).changes, false);
  });

  it("update places one renew_plan order per term and records the new expiry", async function () {
    const api = fakeApi();
    api.getProduct.onFirstCall().resolves(product({ expireDate: "2027-11-28" }));
    api.getProduct.resolves(product({ expireDate: "2028-11-28" }));
    const d = deps(api, clockAt(TODAY));
    const { outs } = await update(
      "1",
      state({ expireDate: "2027-11-28" }),
      { ...checked({ renewThrough: "2028-06-01" } as never) },
      d.deps,
    );
    assert.equal(api.createOrder.callCount, 1);
    assert.equal(api.createOrder.firstCall.args[0].operationType, "renew_plan");
    assert.equal((outs as { expiresOn?: string }).expiresOn, "2028-11-28");
  });

  it("decides from the portal: a PBX the portal already has renewed (state behind) orders nothing", async function () {
    const api = fakeApi();
    api.getProduct.resolves(product({ expireDate: "2028-11-28" }));
    const { outs } = await update(
      "1",
      state({ expireDate: "2027-11-28" }),
      { ...checked({ renewThrough: "2028-06-01" } as never) },
      deps(api, clockAt(TODAY)).deps,
    );
    assert.equal(api.createOrder.callCount, 0);
    assert.equal((outs as { expiresOn?: string }).expiresOn, "2028-11-28");
  });

  it("a renewal an earlier run left pending is waited for and never ordered again", async function () {
    const api = fakeApi();
    // The portal moves the expiry on only once the pending renewal has succeeded.
    let renewed = false;
    api.getProduct.callsFake(async () => product({ expireDate: renewed ? "2028-11-28" : "2027-11-28" }));
    api.listOrders.resolves(page([{ id: "5", orderNo: "HBRENEW", orderStatus: "pending" }]));
    const detail = (status: string) => ({
      basicInformation: { productId: "13", productName: "P-Series Cloud Edition", productNo: SERIAL },
      orderInformation: { id: "5", orderNo: "HBRENEW", orderStatus: status, operationType: "renew_plan" },
      orderSummary: { serviceList: [{ serviceType: "plan", serviceId: PLANS.enterprise, quantity: 100 }] },
    });
    let reads = 0;
    api.getOrder.callsFake(async () => {
      reads += 1;
      if (reads < 2) return detail("pending");
      renewed = true;
      return detail("succeed");
    });
    const { outs } = await update(
      "1",
      state({ expireDate: "2027-11-28" }),
      { ...checked({ renewThrough: "2028-06-01" } as never) },
      deps(api, clockAt(TODAY)).deps,
    );
    assert.equal(api.createOrder.callCount, 0);
    assert.equal((outs as { expiresOn?: string }).expiresOn, "2028-11-28");
  });

  it("a date in the past fails before anything is read or ordered", async function () {
    const api = fakeApi();
    await assert.rejects(
      update(
        "1",
        state({ expireDate: "2027-11-28" }),
        { ...checked({ renewThrough: "2025-01-01" } as never) },
        deps(api, clockAt(TODAY)).deps,
      ),
      /renewThrough is 2025-01-01, a date in the past/,
    );
    assert.equal(api.createOrder.callCount + api.getProduct.callCount, 0);
  });
});
