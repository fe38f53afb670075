/**
 * Auto-renewal through the real CLI against the sandbox: `autoRenew: true` on a new PBX is the purchase order and
 * one enable call (no second order), read back by `pulumi refresh`; turned off in the portal behind the stack's
 * back, refresh shows it, preview plans no order and `up` enables it again (1 call, 0 orders); `autoRenew: false`
 * on a PBX the portal renews fails the preview, naming why, and changes nothing; destroy orders nothing.
 */
import * as assert from "node:assert/strict";
import { startSandbox, type Sandbox } from "../../sandbox";
import { PulumiProject } from "../helpers/pulumi";
import { CANARY_SECRET, declare, pbxArgs, pbxProject } from "../helpers/pbx";

describe("auto-renewal through pulumi up, refresh, preview and destroy", function () {
  let sandbox: Sandbox;
  let project: PulumiProject;
  const requests = () => sandbox.admin.stats().requests;
  const orders = () => sandbox.admin.stats().orders;
  const product = () => sandbox.admin.products()[0];
  const withAutoRenew = (autoRenew?: boolean) =>
    declare(project, [{ name: "hq", args: pbxArgs(autoRenew === undefined ? {} : { autoRenew }) }]);

  before(async function () {
    sandbox = await startSandbox({ clientSecret: CANARY_SECRET });
    project = await pbxProject(sandbox, "auto-renew");
  });
  after(async function () {
    project?.cleanup();
    await sandbox?.close();
  });

  it("a new PBX with autoRenew: the preview orders nothing; up places 1 order and enables auto-renewal once", async function () {
    await withAutoRenew(true);
    const preview = await project.preview();
    assert.equal(preview.code, 0, preview.output);
    assert.equal(orders().length, 0);
    assert.equal(requests().autoRenewEnable, 0);
    const up = await project.up();
    assert.equal(up.code, 0, up.output);
    assert.equal(orders().length, 1);
    assert.equal(orders()[0].operationType, "purchase_plan");
    assert.equal(requests().autoRenewEnable, 1);
    assert.equal(product().autoRenew, true);
    const outs = (await project.outputs()).pbxs as Record<string, { autoRenew?: boolean }>;
    assert.equal(outs.hq.autoRenew, true);
  });

  it("a no-change preview calls nothing", async function () {
    sandbox.admin.resetCounters();
    const r = await project.preview(["--expect-no-changes"]);
    assert.equal(r.code, 0, r.output);
    const calls = Object.values(requests()).reduce((a, b) => a + b, 0);
    assert.equal(calls, 0, JSON.stringify(requests()));
  });

  it("turned off in the portal: refresh reads it, preview plans no order, up enables it again (1 call, 0 orders)", async function () {
    sandbox.admin.updateProduct(product().productNo, { autoRenew: false });
    sandbox.admin.resetCounters();
    const refresh = await project.refresh();
    assert.equal(refresh.code, 0, refresh.output);
    assert.equal(requests().autoRenewStatus, 1);
    const state = await project.resourcesOfType("pulumi-nodejs:dynamic/yeastar:PSeriesCloudPbx");
    assert.equal((state[0].outputs as { autoRenew?: boolean }).autoRenew, false);
    const preview = await project.preview();
    assert.equal(preview.code, 0, preview.output);
    assert.match(preview.output, /will enable auto-renewal \(no order/);
    const before = orders().length;
    const up = await project.up();
    assert.equal(up.code, 0, up.output);
    assert.equal(orders().length, before, "no order");
    assert.equal(requests().autoRenewEnable, 1);
    assert.equal(product().autoRenew, true);
  });

  it("autoRenew: false on a PBX the portal renews fails the preview and the up, naming why; nothing changes", async function () {
    await withAutoRenew(false);
    const before = orders().length;
    const preview = await project.preview();
    assert.notEqual(preview.code, 0, preview.output);
    assert.match(preview.output, /autoRenew is false, but PBX acme-hq\.\S+ \(serial \w+\) has auto-renewal on/);
    assert.match(preview.output, /has no call that turns it off/);
    const up = await project.up();
    assert.notEqual(up.code, 0, up.output);
    assert.equal(orders().length, before);
    assert.equal(product().autoRenew, true);
  });

  it("left out of the program: no change, and the portal's setting stays; destroy orders nothing", async function () {
    await withAutoRenew(undefined);
    const preview = await project.preview(["--expect-no-changes"]);
    assert.equal(preview.code, 0, preview.output);
    const before = orders().length;
    const destroy = await project.destroy();
    assert.equal(destroy.code, 0, destroy.output);
    assert.equal(orders().length, before);
    assert.equal(product().autoRenew, true);
  });
});
