/**
 * The fault campaign's model and invariant checks (scripts/chaos): each invariant passes on a clean record and
 * fails on the record of the mistake it exists to catch, so a campaign that reports "every invariant held" means
 * something.
 */
import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import { PLANS, SERVICES } from "../../../provider/api/catalog";
import type { StoredOrder, StoredProduct } from "../../../sandbox";
import { Model, describeHistory, historyArb, urlOf, type History, type Step } from "../../../scripts/chaos/history";
import { checkInvariants, type Evidence } from "../../../scripts/chaos/invariants";

const SECRET = "unit-canary-secret";

function step(change: Step["change"]): Step {
  return { change, faults: [], pendingMs: 0, failOrders: false, preview: false, refresh: false };
}

const history: History = {
  fleet: [
    { extensions: 10, plan: "enterprise", billingCycle: "annually", highAvailability: false, recordingMinutes: 0 },
    { extensions: 20, plan: "ultimate", billingCycle: "monthly", highAvailability: true, recordingMinutes: 100 },
  ],
  initial: 1,
  steps: [
    step({ kind: "expand", pbx: 0, by: 15 }),
    step({ kind: "create" }),
    step({ kind: "switch", pbx: 0 }),
    step({ kind: "switch", pbx: 0 }),
  ],
};

let n = 0;
function order(
  productNo: string,
  url: string,
  op: StoredOrder["operationType"],
  items: Array<[string, number, "plan" | "service"]>,
  outcome: "succeed" | "failed" = "succeed",
): StoredOrder {
  n += 1;
  return {
    orderNo: `HB${n}`,
    productNo,
    pbxUrl: url,
    operationType: op,
    outcome,
    orderStatus: outcome,
    serviceList: items.map(([serviceId, quantity, serviceType]) => ({ serviceId, quantity, serviceType })),
  } as unknown as StoredOrder;
}

function product(
  productNo: string,
  url: string,
  extensions: number,
  planId: string,
  services: Array<[string, number]> = [],
): StoredProduct {
  return {
    productNo,
    pbxUrl: url,
    extensions,
    planId,
    services: services.map(([serviceId, quantity]) => ({ serviceId, quantity })),
    status: "active",
    currentPlan: "",
  } as unknown as StoredProduct;
}

/** The record of a history that went right: p0 bought with 10, expanded to 25, switched to ultimate; p1 bought. */
function clean(): Evidence {
  const model = new Model(history);
  const [u0, u1] = [urlOf(0), urlOf(1)];
  return {
    orders: [
      order("S0", u0, "purchase_plan", [[PLANS.enterprise, 10, "plan"]]),
      order("S0", u0, "purchase_service", [[SERVICES.extensionExpansion, 15, "service"]]),
      order("S1", u1, "purchase_plan", [
        [PLANS.ultimate, 20, "plan"],
        [SERVICES.highAvailability, 20, "service"],
        [SERVICES.recordingMinutes, 100, "service"],
      ]),
      order("S0", u0, "switch_plan", [[PLANS.ultimate, 25, "plan"]]),
    ],
    products: [
      product("S0", u0, 25, PLANS.ultimate),
      product("S1", u1, 20, PLANS.ultimate, [
        [SERVICES.highAvailability, 20],
        [SERVICES.recordingMinutes, 100],
      ]),
    ],
    asked: [...model.asked.values()],
    resources: [
      {
        urn: "urn:pulumi:dev::chaos::pulumi-nodejs:dynamic:Resource$yeastar:PSeriesCloudPbx::p0",
        type: "x",
        outputs: {
          productNo: "S0",
          extensions: 25,
          recordingMinutes: 0,
          highAvailability: false,
          plan: "ultimate",
          orderStatus: "succeed",
        },
      },
      {
        urn: "urn:pulumi:dev::chaos::pulumi-nodejs:dynamic:Resource$yeastar:PSeriesCloudPbx::p1",
        type: "x",
        outputs: {
          productNo: "S1",
          extensions: 20,
          recordingMinutes: 100,
          highAvailability: true,
          plan: "ultimate",
          orderStatus: "succeed",
        },
      },
    ],
    converged: model.programs[model.programs.length - 1],
    outputs: ["Updating (dev)\n"],
    everything: "{}",
    secret: SECRET,
    tokens: ["eyJhbGciOiJIUzI1NiJ9.token-one"],
  };
}

const kinds = (e: Evidence) => checkInvariants(e).map((v) => v.invariant);

describe("fault campaign: model", function () {
  it("applies changes in order and bounds what may be bought per PBX", function () {
    const model = new Model(history);
    assert.deepEqual(model.applied, [
      "expand p0 to 25 extensions",
      "create p1",
      "switch p0 to ultimate",
      "no-op (p0 switched already)",
    ]);
    assert.deepEqual(
      model.programs[0].map((p) => p.name),
      ["p0"],
    );
    assert.deepEqual(
      model.programs[3].map((p) => [p.name, p.extensions, p.plan]),
      [
        ["p0", 25, "ultimate"],
        ["p1", 20, "ultimate"],
      ],
    );
    const p0 = model.asked.get("p0")!;
    assert.equal(p0.maxExtensions, 25);
    assert.equal(p0.switches, 1);
    assert.equal(model.asked.get("p1")!.highAvailability, true);
  });

  it("turns a change that no longer applies into a no-op, so every shrunk history is valid", function () {
    fc.assert(
      fc.property(historyArb({ maxSteps: 5, maxFleet: 5 }), (h) => {
        const model = new Model(h);
        assert.equal(model.programs.length, h.steps.length);
        for (const program of model.programs) {
          assert.equal(new Set(program.map((p) => p.subdomain)).size, program.length);
          for (const p of program) assert.ok(p.extensions >= 5 && p.extensions <= 500);
        }
        assert.match(describeHistory(h, "replay"), /^# reproduce: replay\nfleet: /);
      }),
      { seed: 19, numRuns: 200 },
    );
  });
});

describe("fault campaign: invariants", function () {
  it("a clean record passes every invariant", function () {
    assert.deepEqual(checkInvariants(clean()), []);
  });

  it("a URL bought twice", function () {
    const e = clean();
    e.orders.push(order("S9", urlOf(0), "purchase_plan", [[PLANS.enterprise, 10, "plan"]]));
    assert.ok(kinds(e).includes("url-bought-twice"));
  });

  it("a failed purchase bought nothing: buying the URL again afterwards is fine", function () {
    const e = clean();
    e.orders.unshift(order("S8", urlOf(1), "purchase_plan", [[PLANS.ultimate, 20, "plan"]], "failed"));
    assert.deepEqual(checkInvariants(e), []);
  });

  for (const [what, extra] of [
    [
      "an expansion bought twice",
      order("S0", urlOf(0), "purchase_service", [[SERVICES.extensionExpansion, 15, "service"]]),
    ],
    [
      "minutes nobody asked for",
      order("S0", urlOf(0), "purchase_service", [[SERVICES.recordingMinutes, 5, "service"]]),
    ],
    [
      "HA bought a second time",
      order("S1", urlOf(1), "purchase_service", [[SERVICES.highAvailability, 20, "service"]]),
    ],
    ["a second plan switch", order("S0", urlOf(0), "switch_plan", [[PLANS.enterprise, 25, "plan"]])],
  ] as const) {
    it(`${what}: bought more than asked`, function () {
      const e = clean();
      e.orders.push(extra);
      assert.deepEqual(kinds(e), ["bought-more-than-asked"]);
    });
  }

  it("renewals and a trial's conversion: within what was asked they pass; one more is bought more than asked", function () {
    const trialHistory: History = {
      fleet: [
        { extensions: 10, plan: "enterprise", billingCycle: "annually", highAvailability: false, recordingMinutes: 0 },
        {
          extensions: 20,
          plan: "ultimate",
          billingCycle: "monthly",
          highAvailability: true,
          recordingMinutes: 100,
          trial: true,
        },
      ],
      initial: 2,
      steps: [
        step({ kind: "renew", pbx: 0 }),
        step({ kind: "expand", pbx: 1, by: 5 }),
        step({ kind: "convert", pbx: 1 }),
      ],
    };
    const model = new Model(trialHistory);
    assert.deepEqual(model.applied, ["renew p0 for 1 more term", "no-op (p1 is a trial)", "convert p1 from its trial"]);
    const [u0, u1] = [urlOf(0), urlOf(1)];
    const e: Evidence = {
      ...clean(),
      orders: [
        order("S0", u0, "purchase_plan", [[PLANS.enterprise, 10, "plan"]]),
        order("S0", u0, "renew_plan", [[PLANS.enterprise, 10, "plan"]]),
        order("S1", u1, "trial_plan", [[PLANS.ultimate, 20, "plan"]]),
        order("S1", u1, "switchTrial_plan", [[PLANS.ultimate, 20, "plan"]]),
      ],
      products: [product("S0", u0, 10, PLANS.enterprise), product("S1", u1, 20, PLANS.ultimate)],
      asked: [...model.asked.values()],
      converged: undefined,
    };
    const over = () => checkInvariants(e).filter((v) => v.invariant === "bought-more-than-asked");
    assert.deepEqual(over(), [], "a trial (HA and minutes dropped), its conversion and one renewal");
    e.orders.push(order("S0", u0, "renew_plan", [[PLANS.enterprise, 10, "plan"]]));
    assert.match(over()[0]?.detail ?? "", /2 renewals, most asked 1/);
    e.orders.pop();
    e.orders.push(order("S1", u1, "switchTrial_plan", [[PLANS.ultimate, 20, "plan"]]));
    assert.match(over()[0]?.detail ?? "", /2 trial conversions, asked 1/);
    e.orders.pop();
    e.orders.push(order("S9", u1, "trial_plan", [[PLANS.ultimate, 20, "plan"]]));
    assert.ok(kinds(e).includes("url-bought-twice"), "a second trial of one URL is a second PBX");
  });

  it("a trial converted by the step that created it was never declared a trial: a paid purchase is right", function () {
    const h: History = {
      fleet: [
        {
          extensions: 23,
          plan: "enterprise",
          billingCycle: "monthly",
          highAvailability: false,
          recordingMinutes: 3,
          trial: true,
        },
      ],
      initial: 1,
      steps: [step({ kind: "convert", pbx: 0 }), step({ kind: "ha", pbx: 0 })],
    };
    const model = new Model(h);
    const [a] = [...model.asked.values()];
    assert.deepEqual([a.trial, a.paid, a.converted], [false, true, true]);
    const u0 = urlOf(0);
    const e: Evidence = {
      ...clean(),
      orders: [order("S0", u0, "purchase_plan", [[PLANS.enterprise, 23, "plan"]])],
      products: [product("S0", u0, 23, PLANS.enterprise)],
      asked: [a],
      converged: undefined,
      resources: [],
      outputs: ["error: chaos-p0.eu.sandbox.yeastarcloud.com"],
    };
    assert.deepEqual(checkInvariants(e), []);
    e.orders = [order("S0", u0, "trial_plan", [[PLANS.enterprise, 23, "plan"]])];
    assert.match(checkInvariants(e)[0]?.detail ?? "", /a trial bought, no program asked one/);
  });

  it("a bought PBX neither in the state nor named in an error or warning", function () {
    const e = clean();
    e.resources = e.resources.slice(0, 1);
    e.converged = undefined;
    assert.deepEqual(kinds(e), ["untracked-pbx"]);
    e.outputs.push(`    warning: PBX ${urlOf(1)} (serial S1) was removed from this stack but NOT cancelled`);
    assert.deepEqual(kinds(e), []);
  });

  it("after a successful up the state, the portal and the program agree", function () {
    const e = clean();
    e.resources[0].outputs = { ...e.resources[0].outputs, extensions: 10 };
    assert.deepEqual(kinds(e), ["state-differs"]);
    const f = clean();
    f.products[0].extensions = 40;
    assert.deepEqual(kinds(f), ["state-differs"]);
    const g = clean();
    g.resources[1].outputs = { ...g.resources[1].outputs, orderStatus: "pending" };
    assert.deepEqual(kinds(g), ["state-differs"]);
  });

  it("the state records as live a PBX whose purchase failed, even when no up succeeded afterwards", function () {
    const e = clean();
    e.converged = undefined;
    e.products[1].status = "failed";
    assert.deepEqual(kinds(e), ["state-differs"]);
  });

  it("a waiting downgrade counts as the plan the program asked for", function () {
    const e = clean();
    e.converged = e.converged!.map((p) => (p.name === "p1" ? { ...p, plan: "enterprise" as const } : p));
    e.resources[1].outputs = { ...e.resources[1].outputs, plan: "enterprise" };
    e.products[1].currentPlan = "enterprise";
    const asked = e.asked.find((a) => a.name === "p1")!;
    asked.switches = 1;
    e.orders.push(order("S1", urlOf(1), "switch_plan", [[PLANS.enterprise, 20, "plan"]]));
    assert.deepEqual(checkInvariants(e), []);
  });

  it("the secret or a token anywhere", function () {
    const e = clean();
    e.outputs.push(`config: ${SECRET}`);
    assert.deepEqual(kinds(e), ["secret-leaked"]);
    const f = clean();
    f.everything = '{"token":"eyJhbGciOiJIUzI1NiJ9.token-one"}';
    assert.deepEqual(kinds(f), ["secret-leaked"]);
  });
});
