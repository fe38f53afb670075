/**
 * The whole PSeriesCloudPbx lifecycle through the real `pulumi` CLI against the sandbox. The sandbox's order
 * log and request counters are the evidence of what was bought and called.
 */
import * as assert from "node:assert/strict";
import { PLANS, SERVICES } from "../../provider/api/catalog";
import { DRY_RUN_KEY } from "../../provider/api/inputs";
import { startSandbox, type Sandbox } from "../../sandbox";
import { CANARY_SECRET, declare, pbxArgs, pbxProject } from "../helpers/pbx";
import { PulumiProject, previewSteps } from "../helpers/pulumi";

describe("PSeriesCloudPbx lifecycle through the pulumi CLI and the sandbox", function () {
  let sandbox: Sandbox;
  let project: PulumiProject;
  const orders = () => sandbox.admin.stats().orders;
  const one = (args: object) => declare(project, [{ name: "hq", args }]);

  before(async function () {
    sandbox = await startSandbox({ clientSecret: CANARY_SECRET });
    project = await pbxProject(sandbox, "lifecycle");
  });
  after(async function () {
    project?.cleanup();
    await sandbox?.close();
  });

  it("preview of a new PBX places 0 orders and shows what would be bought", async function () {
    await one(pbxArgs());
    const r = await project.preview();
    assert.equal(r.code, 0, r.output);
    assert.equal(orders().length, 0);
    assert.match(r.output, /pulumi-nodejs:dynamic\/yeastar:PSeriesCloudPbx/);
    assert.match(r.output, /acme-hq\.eu\.sandbox\.yeastarcloud\.com/);
    assert.match(r.output, /extensions\s*:\s*100/);
    assert.match(r.output, /priceEstimate\s*:\s*"USD /);
    assert.equal(sandbox.admin.stats().requests.orderSave ?? 0, 0);
  });

  it("up places exactly 1 order and exports instanceId and orderNo", async function () {
    const r = await project.up();
    assert.equal(r.code, 0, r.output);
    assert.equal(orders().length, 1);
    const out = (await project.outputs()).pbxs as Record<string, Record<string, unknown>>;
    const stored = sandbox.admin.products();
    assert.equal(stored.length, 1);
    assert.equal(out.hq.instanceId, String(stored[0].instanceId));
    assert.equal(out.hq.productNo, stored[0].productNo);
    assert.match(String(out.hq.orderNo), /^HB\d+/);
    assert.equal(out.hq.orderStatus, "succeed");
  });

  it("a second up places 0 orders, and a no-change preview calls no API but the token", async function () {
    sandbox.admin.resetCounters();
    const p = await project.preview(["--json"]);
    assert.equal(p.code, 0, p.output);
    assert.deepEqual(
      Object.keys(previewSteps(p.json)).filter((op) => op !== "same"),
      [],
    );
    const calls = Object.entries(sandbox.admin.stats().requests).filter(([k, n]) => k !== "token" && n > 0);
    assert.deepEqual(calls, []);
    const r = await project.up();
    assert.equal(r.code, 0, r.output);
    assert.equal(orders().length, 1);
  });

  it("raising extensions places 1 Extension Expansion order for the difference", async function () {
    await one(pbxArgs({ extensions: 120 }));
    const r = await project.up();
    assert.equal(r.code, 0, r.output);
    assert.equal(orders().length, 2);
    const order = orders()[1];
    assert.equal(order.operationType, "purchase_service");
    assert.equal(String(order.serviceList[0].serviceId), SERVICES.extensionExpansion);
    assert.equal(order.serviceList[0].quantity, 20);
    assert.equal(sandbox.admin.products()[0].extensions, 120);
  });

  it("enabling High Availability places 1 order with quantity = extensions", async function () {
    await one(pbxArgs({ extensions: 120, highAvailability: true }));
    const r = await project.up();
    assert.equal(r.code, 0, r.output);
    assert.equal(orders().length, 3);
    const order = orders()[2];
    assert.equal(String(order.serviceList[0].serviceId), SERVICES.highAvailability);
    assert.equal(order.serviceList[0].quantity, 120);
  });

  it("a plan switch places 1 switch_plan order", async function () {
    await one(pbxArgs({ extensions: 120, highAvailability: true, plan: "ultimate" }));
    const r = await project.up();
    assert.equal(r.code, 0, r.output);
    assert.equal(orders().length, 4);
    assert.equal(orders()[3].operationType, "switch_plan");
    assert.equal(String(orders()[3].serviceList[0].serviceId), PLANS.ultimate);
  });

  const current = { extensions: 120, highAvailability: true, plan: "ultimate" };
  for (const [what, change, field] of [
    ["lowering extensions", { extensions: 110 }, /extensions is 110, lower than the 120 already bought/],
    ["disabling HA", { highAvailability: false }, /highAvailability is false/],
    ["a region change without allowRepurchase", { region: "North America" }, /region changed.*allowRepurchase/],
  ] as const) {
    it(`${what} fails at preview with a clear message and places 0 orders`, async function () {
      await one(pbxArgs({ ...current, ...change }));
      const r = await project.preview();
      assert.notEqual(r.code, 0, r.output);
      assert.match(r.output, field);
      assert.equal(orders().length, 4);
    });
  }

  it("refresh reports drift made in the portal (sandbox)", async function () {
    await one(pbxArgs(current));
    const productNo = sandbox.admin.products()[0].productNo;
    sandbox.admin.updateProduct(productNo, { extensions: 150 });
    const r = await project.refresh();
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /extensions\s*:\s*120\s*=>\s*150|~\s*1 updated|1 updated/);
    const [res] = await project.resourcesOfType("pulumi-nodejs:dynamic/yeastar:PSeriesCloudPbx");
    assert.equal((res.outputs as Record<string, unknown>).extensions, 150);
    assert.ok(!(DRY_RUN_KEY in (res.inputs as object)), "the program's dry-run flag must not reach state");
    assert.equal(orders().length, 4);
  });

  it("the exported state holds neither the client secret nor any token", async function () {
    const everything = await project.everything();
    assert.ok(!everything.includes(CANARY_SECRET), "client secret found in state or project files");
    for (const token of sandbox.admin.issuedTokens?.() ?? []) {
      assert.ok(!everything.includes(token), "an access or refresh token was found in state");
    }
    assert.doesNotMatch(everything, /Bearer [A-Za-z0-9]/);
  });

  it("destroy places 0 orders, keeps the PBX and prints the warning", async function () {
    await one(pbxArgs({ ...current, extensions: 150 }));
    sandbox.admin.resetCounters();
    const r = await project.destroy();
    assert.equal(r.code, 0, r.output);
    assert.equal(orders().length, 4);
    assert.equal(sandbox.admin.stats().requests.orderSave ?? 0, 0);
    assert.match(r.output, /NOT cancelled/);
    assert.match(r.output, /acme-hq\.eu\.sandbox\.yeastarcloud\.com/);
    assert.match(r.output, new RegExp(sandbox.admin.products()[0].productNo));
    assert.equal(sandbox.admin.products().length, 1, "the PBX still exists");
    assert.equal((await project.resourcesOfType("pulumi-nodejs:dynamic/yeastar:PSeriesCloudPbx")).length, 0);
  });
});
