/**
 * The fleet report's auto-renewal column and its "renewal not covered" flag (docs/cli.md, "The fleet report"): the
 * pure decisions in fleet-report.ts, their rendering, the stack-state field they read, and the reads of runFleet.
 */
import * as assert from "node:assert/strict";
import { PLANS } from "../../../provider/api/catalog";
import type { PartnerApi } from "../../../provider/api/partner-api";
import type { ProductInfo } from "../../../provider/api/schemas";
import { runFleet } from "../../../provider/cli/fleet-main";
import { renderMarkdown, toCsv, toJson } from "../../../provider/cli/fleet-render";
import { buildFleetReport, renewalNotCovered, shapeKey, shapeOf } from "../../../provider/cli/fleet-report";
import { parseExport, type StackState, type StatePbx } from "../../../provider/cli/stack-export";

function product(n: number, expireDate: string): ProductInfo {
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
    expireDate,
    status: "active",
    assignId: "",
    activationCode: "",
    activationStatus: "activated",
    comment: "",
  };
}

const stack = (label: string, pbxs: Array<Partial<StatePbx> & { productNo: string }>): StackState => ({
  label,
  pbxs: pbxs.map((p, i) => ({ name: `r${i}`, pbxUrl: "", ...p })),
  customers: [],
});

/** today 2027-01-01, window 30 days: 2027-01-20 is inside it, 2027-03-01 outside. */
function report(
  products: ProductInfo[],
  autoRenew: Record<string, boolean>,
  stacks: StackState[],
  expiresWithinDays = 30,
) {
  return buildFleetReport({
    products,
    users: [],
    stacks,
    quotes: new Map(
      products.map((p) => [shapeKey(shapeOf(p)), { currencyCode: "USD", totalAmount: "400.00", items: [] }]),
    ),
    autoRenew: new Map(Object.entries(autoRenew)),
    today: "2027-01-01",
    expiresWithinDays,
  });
}

describe("fleet report: auto-renewal and renewals not covered", () => {
  it("decides from the window, the portal's auto-renewal and the latest declared renewal (pure)", () => {
    assert.equal(renewalNotCovered("2027-01-20", true, "off", undefined), true);
    assert.equal(renewalNotCovered("2027-01-20", true, "on", undefined), false, "the portal renews it");
    assert.equal(renewalNotCovered("2027-01-20", true, "off", "2027-01-21"), false, "declared past the expiry");
    assert.equal(renewalNotCovered("2027-01-20", true, "off", "2027-01-20"), true, "declared, not past the expiry");
    assert.equal(renewalNotCovered("2027-01-20 23:59:59", true, "off", "2027-01-20"), true, "the expiry's date");
    assert.equal(renewalNotCovered("2027-01-20", false, "off", undefined), false, "outside the window");
    assert.equal(renewalNotCovered("2027-01-20", true, "?", undefined), false, "unknown is not off");
  });

  it("flags a PBX in the window with auto-renewal off and no renewal past its expiry, in any stack", () => {
    const r = report(
      [
        product(1, "2027-01-20"),
        product(2, "2027-01-20"),
        product(3, "2027-01-20"),
        product(4, "2027-01-20"),
        product(5, "2027-03-01"),
        product(6, "2026-12-20"),
        product(7, "2027-01-31"),
        product(8, "2027-01-20"),
      ],
      { SN1: false, SN2: true, SN3: false, SN4: false, SN5: false, SN6: false, SN7: false, SN8: false },
      [
        stack("a/prod", [
          { productNo: "SN1" },
          { productNo: "SN2" },
          { productNo: "SN3", renewThrough: "2027-02-20" },
          { productNo: "SN4", renewThrough: "2027-01-20" },
          { productNo: "SN7" },
          { productNo: "SN8", renewThrough: "2027-01-10" },
        ]),
        stack("b/prod", [{ productNo: "SN8", renewThrough: "2028-01-20" }]),
      ],
    );
    const row = (sn: string) => r.rows.find((x) => x.serialNumber === sn)!;
    assert.deepEqual(row("SN1").flags, ["expires-soon", "renewal-not-covered"]);
    assert.equal(row("SN1").autoRenew, "off");
    assert.ok(
      row("SN1").notes.includes(
        "renewal not covered: auto-renewal is off and no stack that manages it declares renewThrough; declare renewThrough after 2027-01-20 (then `pulumi up`), or autoRenew: true",
      ),
      row("SN1").notes.join("\n"),
    );
    assert.deepEqual(row("SN2").flags, ["expires-soon"], "auto-renewal on");
    assert.equal(row("SN2").autoRenew, "on");
    assert.deepEqual(row("SN3").flags, ["expires-soon"], "renewThrough past the expiry");
    assert.equal(row("SN3").renewThrough, "2027-02-20");
    assert.deepEqual(row("SN4").flags, ["expires-soon", "renewal-not-covered"], "renewThrough not past the expiry");
    assert.ok(
      row("SN4").notes.some((n) => n.includes("the latest renewThrough its stacks declare (2027-01-20) is not after")),
    );
    assert.deepEqual(row("SN5").flags, ["no-stack"], "outside the window");
    assert.deepEqual(row("SN6").flags, ["no-stack", "expires-soon", "renewal-not-covered"], "expired, in no stack");
    assert.ok(row("SN6").notes.some((n) => n.includes("no stack manages it to declare a renewal")));
    assert.deepEqual(row("SN7").flags, ["expires-soon", "renewal-not-covered"], "30 days left: the window's edge");
    assert.deepEqual(row("SN8").flags, ["several-stacks", "expires-soon"], "one stack's renewal covers it");
    assert.equal(row("SN8").renewThrough, "2028-01-20");
    assert.equal(r.counts["renewal-not-covered"], 4);
    assert.equal(r.counts["auto-renew-unknown"], 0);
    const trial = report([{ ...product(9, "2027-01-20"), isTrial: true }], { SN9: false }, []);
    assert.ok(
      trial.rows[0].notes.some((n) => n.endsWith("; convert the trial (trial: false), then declare renewThrough")),
    );
    const wider = report([product(5, "2027-03-01")], { SN5: false }, [], 59);
    assert.deepEqual(wider.rows[0].flags, ["no-stack", "expires-soon", "renewal-not-covered"], "59 days: inside");
  });

  it('a status that could not be read is "?" and flagged, never taken as off', () => {
    const r = report([product(1, "2027-01-20"), product(2, "2027-03-01")], {}, [
      stack("a/prod", [{ productNo: "SN1" }, { productNo: "SN2" }]),
    ]);
    const [one, two] = r.rows;
    assert.equal(one.autoRenew, "?");
    assert.deepEqual(one.flags, ["expires-soon", "auto-renew-unknown"]);
    assert.ok(
      one.notes.some((n) => /^auto-renewal unknown: .*; it expires within 30 days .* so it may lapse$/.test(n)),
    );
    assert.deepEqual(two.flags, ["auto-renew-unknown"]);
    assert.ok(!two.notes.some((n) => n.includes("may lapse")), "outside the window: nothing to lapse yet");
    assert.equal(r.counts["auto-renew-unknown"], 2);
    assert.equal(r.counts["renewal-not-covered"], 0);
  });

  it("renders the column and the flags in Markdown, CSV and JSON", () => {
    const r = report(
      [product(1, "2027-01-20"), product(2, "2027-01-20"), product(3, "2027-01-20")],
      { SN1: false, SN2: true },
      [],
    );
    const md = renderMarkdown(r, ["auto-renewal could not be read for 1 of 3 PBXs"]);
    assert.match(md, /\| Days left \| Auto-renew \| Per year \|/);
    assert.match(
      md,
      /\| pbx1\.eu\.example\.com \|.*\| 19 \| off \| USD 400\.00 \|.*\| in no stack, expires soon, renewal not covered \|/,
    );
    assert.match(md, /\| pbx2\.eu\.example\.com \|.*\| 19 \| on \| USD 400\.00 \|.*\| in no stack, expires soon \|/);
    assert.match(
      md,
      /\| pbx3\.eu\.example\.com \|.*\| 19 \| \? \| USD 400\.00 \|.*\| in no stack, expires soon, auto-renewal unknown \|/,
    );
    assert.match(md, /expires within 30 days: 3; renewal not covered: 1; .*; auto-renewal unknown: 1$/m);
    const csv = toCsv(r).trim().split("\n");
    const col = csv[0].split(",").indexOf("autoRenew");
    assert.ok(col > 0, csv[0]);
    assert.deepEqual(
      csv.slice(1).map((l) => [l.split(",")[0], l.split(",")[col], l.split(",").at(-1)]),
      [
        ["pbx1.eu.example.com", "off", "no-stack expires-soon renewal-not-covered"],
        ["pbx2.eu.example.com", "on", "no-stack expires-soon"],
        ["pbx3.eu.example.com", "?", "no-stack expires-soon auto-renew-unknown"],
      ],
    );
    const json = JSON.parse(toJson(r, ["x"])) as { complete: boolean; rows: Array<{ autoRenew: string }> };
    assert.equal(json.complete, false);
    assert.deepEqual(
      json.rows.map((x) => x.autoRenew),
      ["off", "on", "?"],
    );
  });

  it("reads renewThrough from a stack's inputs or outputs, the later of the two; anything but a date is none", () => {
    const pbx = (name: string, inputs: object, outputs: object) => ({
      urn: `urn:pulumi:prod::shop::yeastar:index:PSeriesCloudPbx::${name}`,
      type: "yeastar:index:PSeriesCloudPbx",
      inputs,
      outputs: { productNo: name, pbxUrl: `${name}.x`, ...outputs },
    });
    const state = parseExport(
      JSON.stringify({
        deployment: {
          resources: [
            pbx("in", { renewThrough: "2027-05-01" }, {}),
            pbx("out", {}, { renewThrough: "2027-06-01" }),
            pbx("both", { renewThrough: "2027-08-01" }, { renewThrough: "2027-07-01" }),
            pbx("bad", { renewThrough: "2027-02-30" }, { renewThrough: 20270501 }),
            pbx("none", {}, {}),
          ],
        },
      }),
      "f.json",
    );
    assert.deepEqual(
      state.pbxs.map((p) => [p.name, p.renewThrough]),
      [
        ["in", "2027-05-01"],
        ["out", "2027-06-01"],
        ["both", "2027-08-01"],
        ["bad", undefined],
        ["none", undefined],
      ],
    );
  });

  it("runFleet reads one status per PBX, 8 at a time, and a failed read makes the run incomplete (exit 1)", async () => {
    const products = Array.from({ length: 20 }, (_, i) => product(i + 1, "2027-01-20"));
    let inFlight = 0;
    let peak = 0;
    const asked: string[] = [];
    const api = {
      listProducts: async () => ({
        count: 20,
        pageNo: 1,
        pageSize: 100,
        results: products,
        total: 20,
        totalPage: 1,
      }),
      listSubordinateUsers: async () => [],
      calculatePrice: async () => ({ currencyCode: "USD", totalAmount: "400.00", items: [] }),
      getAutoRenew: async (productNo: string) => {
        asked.push(productNo);
        peak = Math.max(peak, ++inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        if (productNo === "SN7") throw new Error("check/existed_auto_renew: HTTP 403 forbidden");
        return productNo === "SN2";
      },
    } as unknown as PartnerApi;
    const out: string[] = [];
    const err: string[] = [];
    const code = await runFleet(
      ["--json", "--today", "2027-01-01", "--state", "s.json"],
      { out: (t) => out.push(t), err: (t) => err.push(t) },
      {},
      "/",
      { api, readStack: async () => stack("a/prod", [{ productNo: "SN1" }]) },
    );
    assert.equal(code, 1);
    assert.deepEqual([...asked].sort(), products.map((p) => p.productNo).sort(), "one read per PBX");
    assert.ok(peak <= 8 && peak > 1, `peak ${peak} requests in flight`);
    assert.ok(
      err.some((e) =>
        /auto-renewal could not be read for 1 of 20 PBXs \(shown as "\?", not as off\): pbx7\.eu\.example\.com \(serial SN7\): check\/existed_auto_renew: HTTP 403 forbidden$/.test(
          e,
        ),
      ),
      err.join("\n"),
    );
    const json = JSON.parse(out.join("")) as {
      complete: boolean;
      rows: Array<{ serialNumber: string; autoRenew: string; flags: string[] }>;
      counts: Record<string, number>;
    };
    assert.equal(json.complete, false);
    const row = (sn: string) => json.rows.find((r) => r.serialNumber === sn)!;
    assert.equal(row("SN7").autoRenew, "?");
    assert.ok(!row("SN7").flags.includes("renewal-not-covered"));
    assert.equal(row("SN2").autoRenew, "on");
    assert.equal(row("SN1").autoRenew, "off");
    assert.deepEqual(row("SN1").flags, ["expires-soon", "renewal-not-covered"]);
    assert.equal(json.counts["renewal-not-covered"], 18, "20 PBXs less the one that renews and the unknown one");
    assert.equal(json.counts["auto-renew-unknown"], 1);
  });

  it("names at most 5 failed reads and counts the rest", async () => {
    const products = Array.from({ length: 7 }, (_, i) => product(i + 1, "2027-06-01"));
    const api = {
      listProducts: async () => ({ count: 7, pageNo: 1, pageSize: 100, results: products, total: 7, totalPage: 1 }),
      listSubordinateUsers: async () => [],
      calculatePrice: async () => ({ currencyCode: "USD", totalAmount: "400.00", items: [] }),
      getAutoRenew: async () => {
        throw new Error("network down");
      },
    } as unknown as PartnerApi;
    const err: string[] = [];
    const out: string[] = [];
    const code = await runFleet(["--state", "s.json"], { out: (t) => out.push(t), err: (t) => err.push(t) }, {}, "/", {
      api,
      readStack: async () => stack("a/prod", []),
    });
    assert.equal(code, 1);
    const line = err.find((e) => e.includes("auto-renewal could not be read"))!;
    assert.match(line, /for 7 of 7 PBXs .*; and 2 more$/);
    assert.equal(line.match(/network down/g)?.length, 5);
    assert.match(out.join(""), /## Could not read\n\n- auto-renewal could not be read for 7 of 7 PBXs/);
  });
});
