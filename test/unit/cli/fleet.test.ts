import * as assert from "node:assert/strict";
import { PLANS, SERVICES } from "../../../provider/api/catalog";
import type { PartnerApi } from "../../../provider/api/partner-api";
import type { ProductInfo } from "../../../provider/api/schemas";
import { sourcesFrom } from "../../../provider/cli/fleet-main";
import { toCsv } from "../../../provider/cli/fleet-render";
import { buildFleetReport, priceRequestOf, shapeKey, shapeOf } from "../../../provider/cli/fleet-report";
import { ReadOnlyApi, ReportModeError } from "../../../provider/cli/fleet-read-only";
import { parseExport } from "../../../provider/cli/stack-export";
import { UsageError } from "../../../provider/cli/usage";

function product(n: number, over: Partial<ProductInfo> = {}): ProductInfo {
  return {
    productNo: `SN${n}`,
    instanceId: String(n),
    productId: 13,
    pbxName: `PBX ${n}`,
    pbxUrl: `pbx${n}.eu.example.com`,
    regionId: "41",
    pbxSubDomainId: "20",
    planId: PLANS.enterprise,
    billingCycle: "annually",
    extensions: 10,
    services: [],
    expireDate: "2027-01-31",
    status: "active",
    assignId: "",
    activationCode: "",
    activationStatus: "activated",
    comment: "",
    ...over,
  };
}

const quote = (amount: string) => ({ currencyCode: "USD", totalAmount: amount, items: [] });

describe("fleet report (pure)", () => {
  it("prices a shape as its plan and services, one key per distinct shape", () => {
    const ha = product(1, {
      services: [
        { serviceId: SERVICES.highAvailability, quantity: 10 },
        { serviceId: SERVICES.recordingMinutes, quantity: 300 },
      ],
    });
    const req = priceRequestOf(shapeOf(ha))!;
    assert.deepEqual(
      req.serviceList.map((s) => [s.pricingId, s.quantity, s.connectionPlanId]),
      [
        [PLANS.enterprise, 10, undefined],
        [SERVICES.highAvailability, 10, PLANS.enterprise],
        [SERVICES.recordingMinutes, 300, PLANS.enterprise],
      ],
    );
    assert.equal(shapeKey(shapeOf(product(2))), shapeKey(shapeOf(product(3))));
    assert.notEqual(shapeKey(shapeOf(product(2))), shapeKey(shapeOf(ha)));
    assert.equal(priceRequestOf({ ...shapeOf(product(4)), billingCycle: "weekly" }), undefined);
  });

  it("joins stacks by serial number, flags and totals exactly", () => {
    const products = [
      product(1, { assignId: "77" }),
      product(2, { billingCycle: "monthly", expireDate: "2027-01-10" }),
      product(3, { extensions: 20, expireDate: "2026-12-01" }),
    ];
    const quotes = new Map([
      [shapeKey(shapeOf(products[0])), quote("400.00")],
      [shapeKey(shapeOf(products[1])), quote("40.10")],
    ]);
    const stack = (label: string, pbxs: Array<{ productNo: string; extensions?: number }>) => ({
      label,
      pbxs: pbxs.map((p, i) => ({ name: `r${i}`, pbxUrl: "", ...p })),
      customers: [{ partnerId: "77", email: "ops@x.example", company: "X" }],
    });
    const report = buildFleetReport({
      products,
      users: [],
      stacks: [
        stack("a/dev", [{ productNo: "SN1" }, { productNo: "SN9" }]),
        stack("b/dev", [{ productNo: "SN1", extensions: 5 }]),
      ],
      quotes,
      autoRenew: new Map(products.map((p) => [p.productNo, true])),
      today: "2027-01-01",
      expiresWithinDays: 30,
    });
    const row = (sn: string) => report.rows.find((r) => r.serialNumber === sn)!;
    assert.deepEqual(row("SN1").flags, ["several-stacks", "expires-soon", "state-behind"]);
    assert.equal(row("SN1").customer, "ops@x.example (X)", "named from a Customer in state");
    assert.equal(row("SN1").monthly, "33.33");
    assert.deepEqual(row("SN2").flags, ["no-stack", "expires-soon"]);
    assert.equal(row("SN2").yearly, "481.20");
    assert.deepEqual(row("SN3").flags, ["no-stack", "expires-soon", "unpriced"]);
    assert.equal(row("SN3").daysLeft, -31);
    assert.deepEqual(report.unknownInStacks, ["a/dev: r1 (SN9) is not in the account's product list"]);
    assert.deepEqual(
      report.byBillingCycle.map((t) => [t.key, t.pbxs, t.yearly, t.monthly, t.unpriced]),
      [
        ["annually", 2, "400.00", "33.33", 1],
        ["monthly", 1, "481.20", "40.10", 0],
      ],
    );
    assert.equal(report.total.yearly, "881.20");
    assert.match(toCsv(report).split("\n")[3], /^pbx1\.eu\.example\.com,SN1,ops@x\.example \(X\),77,/);
  });

  it("reads a stack export: PBXs and customers of both type tokens; anything else is an error naming the source", () => {
    const state = parseExport(
      JSON.stringify({
        version: 3,
        deployment: {
          resources: [
            { urn: "urn:pulumi:prod::shop::pulumi:pulumi:Stack::shop-prod", type: "pulumi:pulumi:Stack" },
            {
              urn: "urn:pulumi:prod::shop::yeastar:index:PSeriesCloudPbx::hq",
              type: "yeastar:index:PSeriesCloudPbx",
              outputs: { productNo: "SN1", pbxUrl: "hq.x", extensions: 50 },
            },
            {
              urn: "urn:pulumi:prod::shop::pulumi-nodejs:dynamic/yeastar:Customer::c",
              type: "pulumi-nodejs:dynamic/yeastar:Customer",
              id: "77",
              outputs: { email: "a@b.example", company: "B", partnerId: "77" },
            },
          ],
        },
      }),
      "f.json",
    );
    assert.equal(state.label, "shop/prod");
    assert.deepEqual(
      state.pbxs.map((p) => [p.name, p.productNo, p.extensions]),
      [["hq", "SN1", 50]],
    );
    assert.deepEqual(state.customers, [{ partnerId: "77", email: "a@b.example", company: "B" }]);
    assert.throws(() => parseExport("{}", "f.json"), /f\.json: no "deployment" object/);
    assert.throws(() => parseExport("nope", "f.json"), /f\.json: not JSON/);
  });

  it("pairs each --backend with the --stack flags after it; no flag means the current stack", () => {
    assert.deepEqual(sourcesFrom(["--stack", "a", "--backend", "file:///x", "--stack=b", "--stack", "c"], ["s.json"]), [
      { kind: "file", path: "s.json" },
      { kind: "cli", stack: "a" },
      { kind: "cli", stack: "b", backend: "file:///x" },
      { kind: "cli", stack: "c", backend: "file:///x" },
    ]);
    assert.deepEqual(sourcesFrom([], []), [{ kind: "cli" }]);
    assert.throws(() => sourcesFrom(["--stack", "a", "--backend", "file:///x"], []), UsageError);
  });

  it("report mode refuses an order before anything is sent", async () => {
    let sent = 0;
    const inner = { createOrder: async () => void sent++ } as unknown as PartnerApi;
    const api = new ReadOnlyApi(inner);
    await assert.rejects(
      api.createOrder({ operationType: "purchase_plan", productId: 13, billingId: "1", serviceList: [] }),
      (err: unknown) => err instanceof ReportModeError && /refused to place a purchase_plan order/.test(String(err)),
    );
    assert.equal(sent, 0);
    assert.equal("createSubordinateUser" in api, false, "no way to create a customer either");
  });
});
