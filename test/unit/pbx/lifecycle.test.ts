/**
 * The lifecycle table of docs/architecture.md, row by row: for each change in the program, what diff reports, which check failures
 * appear, and exactly which orders are planned.
 */
import * as assert from "node:assert/strict";
import { PLANS, SERVICES } from "../../../provider/api/catalog";
import { diff } from "../../../provider/pbx/engine";
import { UNKNOWN } from "../../../provider/api/inputs";
import { followUpOrders, purchaseOrder, transitionFailures } from "../../../provider/pbx/order-plan";
import type { CheckedInputs, PbxState } from "../../../provider/api/contract";
import { checked, resolved, state } from "./fixtures";

interface Row {
  row: string;
  from?: Partial<PbxState>;
  to: Partial<CheckedInputs>;
  failures?: string[]; // fields named by check failures
  replaces?: string[];
  orders?: Array<{ operationType: string; serviceId: string; quantity: number }>;
  changes?: boolean;
}

const rows: Row[] = [
  { row: "no change", to: {}, changes: false, orders: [] },
  {
    row: "extensions up",
    to: { extensions: 150 },
    changes: true,
    orders: [{ operationType: "purchase_service", serviceId: SERVICES.extensionExpansion, quantity: 50 }],
  },
  {
    row: "extensions up to 500",
    to: { extensions: 500 },
    changes: true,
    orders: [{ operationType: "purchase_service", serviceId: SERVICES.extensionExpansion, quantity: 400 }],
  },
  { row: "extensions down", to: { extensions: 50 }, failures: ["extensions"] },
  {
    row: "highAvailability false -> true",
    to: { highAvailability: true },
    changes: true,
    orders: [{ operationType: "purchase_service", serviceId: SERVICES.highAvailability, quantity: 100 }],
  },
  {
    row: "highAvailability on together with an expansion (HA for the new total)",
    to: { highAvailability: true, extensions: 120 },
    changes: true,
    orders: [
      { operationType: "purchase_service", serviceId: SERVICES.extensionExpansion, quantity: 20 },
      { operationType: "purchase_service", serviceId: SERVICES.highAvailability, quantity: 120 },
    ],
  },
  {
    row: "highAvailability true -> false",
    from: { highAvailability: true },
    to: { highAvailability: false },
    failures: ["highAvailability"],
  },
  {
    row: "recordingMinutes up",
    from: { recordingMinutes: 100 },
    to: { recordingMinutes: 250 },
    changes: true,
    orders: [{ operationType: "purchase_service", serviceId: SERVICES.recordingMinutes, quantity: 150 }],
  },
  {
    row: "recordingMinutes down",
    from: { recordingMinutes: 100 },
    to: { recordingMinutes: 10 },
    failures: ["recordingMinutes"],
  },
  {
    row: "plan upgrade",
    to: { plan: "ultimate", resolved: resolved({ planId: PLANS.ultimate }) },
    changes: true,
    orders: [{ operationType: "switch_plan", serviceId: PLANS.ultimate, quantity: 100 }],
  },
  {
    row: "plan downgrade",
    from: { plan: "ultimate", planId: PLANS.ultimate },
    to: { plan: "enterprise" },
    changes: true,
    orders: [{ operationType: "switch_plan", serviceId: PLANS.enterprise, quantity: 100 }],
  },
  { row: "billingCycle alone", to: { billingCycle: "monthly" }, failures: ["billingCycle"] },
  {
    row: "pbxName without allowRepurchase",
    to: { pbxName: "Acme Head Office" },
    failures: ["pbxName"],
  },
  {
    row: "subdomain without allowRepurchase",
    to: { subdomain: "acme-ho", resolved: resolved({ pbxUrl: "acme-ho.eu.sandbox.yeastarcloud.com" }) },
    failures: ["subdomain"],
  },
  {
    row: "region without allowRepurchase",
    to: {
      region: "North America",
      resolved: resolved({
        regionId: "42",
        domainSuffix: "us.sandbox.yeastarcloud.com",
        pbxUrl: "acme-hq.us.sandbox.yeastarcloud.com",
      }),
    },
    failures: ["domain", "region"],
  },
  {
    row: "domain without allowRepurchase",
    to: {
      domain: "de.sandbox.yeastarcloud.com",
      resolved: resolved({
        domainSuffix: "de.sandbox.yeastarcloud.com",
        pbxSubDomainId: "21",
        pbxUrl: "acme-hq.de.sandbox.yeastarcloud.com",
      }),
    },
    failures: ["domain"],
  },
  {
    row: "subdomain with allowRepurchase: replace, delete first",
    to: {
      subdomain: "acme-ho",
      allowRepurchase: true,
      resolved: resolved({ pbxUrl: "acme-ho.eu.sandbox.yeastarcloud.com" }),
    },
    replaces: ["subdomain"],
    changes: true,
  },
  {
    row: "pbxName with allowRepurchase but the same URL",
    to: { pbxName: "Acme Head Office", allowRepurchase: true },
    failures: ["pbxName"],
  },
  {
    row: "billingContact (future orders only)",
    to: { billingContact: "billing@globex.example", resolved: resolved({ billingContactId: "3197218168379846219" }) },
    changes: true,
    orders: [],
  },
  { row: "poNumber (future orders only)", to: { poNumber: "PO-7" }, changes: true, orders: [] },
  {
    row: "owner (future orders only)",
    to: { owner: "it@customer-one.example", resolved: resolved({ assignId: "3076913644915998721" }) },
    changes: true,
    orders: [],
  },
  { row: "unknown extensions in preview", to: { extensions: UNKNOWN as never }, changes: true },
];

describe("lifecycle table (docs/architecture.md)", function () {
  for (const r of rows) {
    it(r.row, function () {
      const olds = state(r.from);
      const news = checked({ ...r.to });
      const failures = transitionFailures(olds, news);
      assert.deepEqual(
        failures.map((f) => f.property),
        r.failures ?? [],
        JSON.stringify(failures),
      );
      for (const f of failures)
        assert.ok(f.reason.length > 40 && f.reason.includes(f.property === "region" ? "region" : f.property));
      if (r.failures) return;
      const d = diff("1275655", { ...olds, __provider: "p" }, { ...news, __provider: "p" });
      if (r.changes !== undefined) assert.equal(d.changes, r.changes);
      assert.deepEqual(d.replaces ?? [], r.replaces ?? []);
      if (r.replaces) assert.equal(d.deleteBeforeReplace, true);
      if (r.orders) {
        const planned = followUpOrders(olds, news).map((o) => ({
          operationType: o.request.operationType,
          serviceId: o.request.serviceList[0].serviceId,
          quantity: o.request.serviceList[0].quantity,
        }));
        assert.deepEqual(planned, r.orders);
      }
    });
  }

  it("only the provider code changed (an upgrade, another checkout): no change, no order", function () {
    // The serialized provider only loads the engine, so its text changing is not a change of the PBX.
    const d = diff("1", { ...state(), __provider: "old code" }, { ...checked(), __provider: "new code" });
    assert.equal(d.changes, false);
    assert.deepEqual(followUpOrders(state(), checked()), []);
  });

  it("a resource left pending by an earlier run is resumed by an update", function () {
    assert.equal(diff("1", { ...state({ orderStatus: "pending" }) }, { ...checked() }).changes, true);
  });

  it("follow-up orders carry the serial number, the current plan as connectionPlanId and the billing cycle", function () {
    const [order] = followUpOrders(
      state({ billingCycle: "monthly" }),
      checked({ extensions: 110, billingCycle: "monthly" }),
    );
    assert.equal(order.request.productNo, "3658B431119665QJ");
    assert.equal(order.request.serviceList[0].connectionPlanId, PLANS.enterprise);
    assert.equal(order.request.serviceList[0].billingCycle, "monthly");
    assert.equal(order.request.billingId, "3197218168379846218");
    assert.equal(order.request.orderPceSpecialRequest, undefined);
  });

  it("a plan switch keeps the billing cycle", function () {
    const [order] = followUpOrders(
      state({ billingCycle: "monthly" }),
      checked({ plan: "ultimate", billingCycle: "monthly" }),
    );
    assert.equal(order.request.serviceList[0].billingCycle, "monthly");
    assert.equal(order.request.serviceList[0].purchaseType, "switch");
  });

  describe("the purchase order for a new PBX", function () {
    it("is one purchase_plan with the plan item and the PCE request", function () {
      const o = purchaseOrder(checked({ poNumber: "PO-1" }));
      assert.equal(o.operationType, "purchase_plan");
      assert.equal(o.productId, 13);
      assert.equal(o.billingId, "3197218168379846218");
      assert.equal(o.poNumber, "PO-1");
      assert.deepEqual(o.serviceList, [
        {
          serviceType: "plan",
          serviceId: PLANS.enterprise,
          quantity: 100,
          purchaseType: "purchase",
          billingModel: "recurring",
          billingCycle: "annually",
          multiCycle: 0,
        },
      ]);
      assert.deepEqual(o.orderPceSpecialRequest, {
        pbxName: "Acme HQ",
        regionId: "41",
        pbxSubDomainId: "20",
        pbxUrl: "acme-hq.eu.sandbox.yeastarcloud.com",
      });
    });

    it("adds HA for every extension and recording minutes, tied to the plan", function () {
      const o = purchaseOrder(checked({ highAvailability: true, recordingMinutes: 300, extensions: 42 }));
      assert.equal(o.serviceList.length, 3);
      assert.deepEqual(
        o.serviceList.slice(1).map((s) => [s.serviceId, s.quantity, s.connectionPlanId]),
        [
          [SERVICES.highAvailability, 42, PLANS.enterprise],
          [SERVICES.recordingMinutes, 300, PLANS.enterprise],
        ],
      );
    });

    it("assigns to a subordinate user when an owner is given", function () {
      const o = purchaseOrder(checked({ resolved: resolved({ assignId: "3076913644915998721" }) }));
      assert.equal(o.assignId, "3076913644915998721");
      assert.equal(purchaseOrder(checked()).assignId, undefined);
    });
  });
});
