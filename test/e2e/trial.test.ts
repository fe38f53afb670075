/**
 * Trials through the real CLI against the sandbox (docs/architecture.md, "Trials"): `trial: true` buys a free
 * trial (1 `trial_plan` order, no charge, listed as such in the preview) whose last day is the output
 * `trialEndsOn`; `trial: false` converts it (1 `switchTrial_plan` order, charged what the preview quoted); a trial
 * with an add-on, and a paid PBX declared a trial, fail the preview naming the field, and nothing is bought.
 */
import * as assert from "node:assert/strict";
import { startSandbox, type Sandbox } from "../../sandbox";
import { CANARY_SECRET, declare, pbxArgs, pbxProject, plannedOrdersOfPreview } from "../helpers/pbx";
import type { PulumiProject } from "../helpers/pulumi";

const TYPE = "pulumi-nodejs:dynamic/yeastar:PSeriesCloudPbx";

describe("trials through pulumi preview and up", function () {
  let sandbox: Sandbox;
  let project: PulumiProject;
  const orders = () => sandbox.admin.stats().orders;
  const product = () => sandbox.admin.products()[0];
  const args = (over: Record<string, unknown>) => pbxArgs({ subdomain: "trial", extensions: 10, ...over });
  const outputs = async () => (await project.resourcesOfType(TYPE))[0].outputs as Record<string, unknown>;

  before(async function () {
    sandbox = await startSandbox({ clientSecret: CANARY_SECRET });
    project = await pbxProject(sandbox, "trial");
  });
  after(async function () {
    project?.cleanup();
    await sandbox?.close();
  });

  it("a trial with an add-on fails the preview naming the field; nothing is bought", async function () {
    await declare(project, [{ name: "pbx", args: args({ trial: true, highAvailability: true }) }]);
    const preview = await project.preview();
    assert.notEqual(preview.code, 0, preview.output);
    assert.match(preview.output, /highAvailability is true, but a trial holds the plan only/);
    assert.equal(orders().length, 0);
  });

  it("trial: true: the preview lists 1 free trial_plan order; up places it at no charge, with trialEndsOn", async function () {
    await declare(project, [{ name: "pbx", args: args({ trial: true }) }]);
    const preview = await project.preview(["--json"]);
    assert.equal(preview.code, 0, preview.output);
    assert.equal(orders().length, 0, "the preview bought nothing");
    const listed = plannedOrdersOfPreview(preview.json);
    assert.deepEqual(
      listed.map((v) => [v.operation, v.quantity, v.price]),
      [["trial_plan", 10, "no charge"]],
    );
    const up = await project.up();
    assert.equal(up.code, 0, up.output);
    assert.equal(orders().length, 1);
    assert.equal(orders()[0].operationType, "trial_plan");
    assert.equal(orders()[0].totalAmount, "0.00");
    assert.equal(product().isTrial, true);
    const outs = await outputs();
    assert.equal(outs.trialEndsOn, product().expireDate);
    assert.match(String(outs.trialEndsOn), /^\d{4}-\d\d-\d\d$/);
    const again = await project.preview(["--expect-no-changes"]);
    assert.equal(again.code, 0, again.output);
  });

  it("a trial's extensions cannot change before it is converted: the preview says so; nothing is bought", async function () {
    await declare(project, [{ name: "pbx", args: args({ trial: true, extensions: 20 }) }]);
    const preview = await project.preview();
    assert.notEqual(preview.code, 0, preview.output);
    assert.match(preview.output, /extensions changed from 10 to 20 on a trial/);
    assert.equal(orders().length, 1);
  });

  it("trial: false converts it: 1 switchTrial_plan order, charged what the preview quoted", async function () {
    await declare(project, [{ name: "pbx", args: args({ trial: false, extensions: 20, highAvailability: true }) }]);
    const preview = await project.preview(["--json"]);
    assert.equal(preview.code, 0, preview.output);
    assert.equal(orders().length, 1, "the preview bought nothing");
    const listed = plannedOrdersOfPreview(preview.json);
    assert.deepEqual(
      listed.map((v) => [v.operation, v.quantity]),
      [["switchTrial_plan", 20]],
    );
    assert.match(listed[0].price, /^USD \d+\.\d\d per year$/);
    const up = await project.up();
    assert.equal(up.code, 0, up.output);
    assert.equal(orders().length, 2);
    const conversion = orders()[1];
    assert.equal(conversion.operationType, "switchTrial_plan");
    assert.ok(Number(conversion.totalAmount) > 0);
    assert.equal(conversion.totalAmount, listed[0].amount, "the conversion cost what the preview quoted");
    console.log(`      conversion: preview quoted ${listed[0].price}, charged USD ${conversion.totalAmount}`);
    assert.equal(product().isTrial, false);
    assert.equal(product().extensions, 20);
    const outs = await outputs();
    assert.equal(outs.trialEndsOn, "");
    assert.equal(outs.extensions, 20);
    assert.equal(outs.highAvailability, true);
    const again = await project.preview(["--expect-no-changes"]);
    assert.equal(again.code, 0, again.output);
  });

  it("a paid PBX declared a trial fails the preview and the up; nothing is bought", async function () {
    await declare(project, [{ name: "pbx", args: args({ trial: true, extensions: 20, highAvailability: true }) }]);
    const preview = await project.preview();
    assert.notEqual(preview.code, 0, preview.output);
    assert.match(preview.output, /a paid PBX cannot become a trial/);
    const up = await project.up();
    assert.notEqual(up.code, 0, up.output);
    assert.equal(orders().length, 2);
    assert.ok(!(await project.everything()).includes(CANARY_SECRET), "the client secret leaked");
  });
});
