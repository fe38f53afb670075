/**
 * Renewals through the real CLI against the sandbox (docs/architecture.md, "Renewals"): `renewThrough` past the
 * PBX's expiry is one `renew_plan` order per term, listed with its price in the preview (which buys nothing) and
 * charged exactly that by `up`; a declared date already covered orders nothing; a renewal the portal accepted
 * before the CLI was killed is recovered by `pulumi cancel` + `pulumi up` with no second renewal; a date in the
 * past fails the preview naming the field, and nothing is bought.
 */
import * as assert from "node:assert/strict";
import { addCycle } from "../../provider/api/terms";
import { startSandbox, type Sandbox } from "../../sandbox";
import { CANARY_SECRET, declare, pbxArgs, pbxProject, plannedOrdersOfPreview } from "../helpers/pbx";
import type { PulumiProject, RunResult } from "../helpers/pulumi";

const TYPE = "pulumi-nodejs:dynamic/yeastar:PSeriesCloudPbx";

/** The day after `date`: a renewal date just past an expiry needs exactly one more term. */
function dayAfter(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

describe("renewals through pulumi preview, up and a kill", function () {
  let sandbox: Sandbox;
  let project: PulumiProject;
  const orders = () => sandbox.admin.stats().orders;
  const renewals = () => orders().filter((o) => o.operationType === "renew_plan");
  const product = () => sandbox.admin.products()[0];
  const args = (renewThrough?: string) =>
    pbxArgs({ subdomain: "renew", extensions: 20, ...(renewThrough ? { renewThrough } : {}) });
  const expiresOn = async () => ((await project.resourcesOfType(TYPE))[0].outputs as { expiresOn?: string }).expiresOn;

  before(async function () {
    sandbox = await startSandbox({ clientSecret: CANARY_SECRET });
    project = await pbxProject(sandbox, "renewal");
    await declare(project, [{ name: "pbx", args: args() }]);
    const up = await project.up();
    assert.equal(up.code, 0, up.output);
    assert.equal(orders().length, 1);
  });
  after(async function () {
    project?.cleanup();
    await sandbox?.close();
  });

  it("the purchase leaves the expiry to the portal: refresh records it as expiresOn", async function () {
    assert.match(product().expireDate, /^\d{4}-\d\d-\d\d$/);
    assert.equal(await expiresOn(), "", "a purchase reads nothing back: the expiry is not known yet");
    const refresh = await project.refresh();
    assert.equal(refresh.code, 0, refresh.output);
    assert.equal(await expiresOn(), product().expireDate);
  });

  it("renewThrough a day past the expiry: the preview lists 1 renew_plan with its price; up is charged exactly that", async function () {
    const expiry = product().expireDate;
    await declare(project, [{ name: "pbx", args: args(dayAfter(expiry)) }]);
    const preview = await project.preview(["--json"]);
    assert.equal(preview.code, 0, preview.output);
    assert.equal(orders().length, 1, "the preview bought nothing");
    const listed = plannedOrdersOfPreview(preview.json);
    assert.deepEqual(
      listed.map((v) => [v.operation, v.quantity]),
      [["renew_plan", 20]],
    );
    assert.match(listed[0].price, /^USD \d+\.\d\d for one more year$/);
    const up = await project.up();
    assert.equal(up.code, 0, up.output);
    assert.equal(renewals().length, 1);
    assert.equal(renewals()[0].totalAmount, listed[0].amount, "the renewal cost what the preview quoted");
    console.log(`      renewal: preview quoted ${listed[0].price}, charged USD ${renewals()[0].totalAmount}`);
    const next = addCycle(expiry, "annually");
    assert.equal(product().expireDate, next);
    assert.equal(await expiresOn(), next);
  });

  it("a date the PBX is already paid through: the preview plans no change and orders nothing", async function () {
    const preview = await project.preview(["--expect-no-changes"]);
    assert.equal(preview.code, 0, preview.output);
    assert.equal(renewals().length, 1);
  });

  it("the portal accepts a renewal, its reply is lost and the CLI killed: cancel + up renews nothing more", async function () {
    const expiry = product().expireDate;
    await declare(project, [{ name: "pbx", args: args(dayAfter(expiry)) }]);
    sandbox.admin.addFault({ endpoint: "orderSave", afterCommit: true, latencyMs: 20000, times: 1 });
    const before = orders().length;
    let pid = 0;
    const killed = await new Promise<RunResult>((resolve) => {
      const run = project.run(["up", "--yes", "--skip-preview"], { onSpawn: (child) => (pid = child) });
      const timer = setInterval(() => {
        if (orders().length > before && pid) {
          clearInterval(timer);
          process.kill(-pid, "SIGKILL");
        }
      }, 50);
      void run.then((r) => {
        clearInterval(timer);
        project.killLeftovers();
        resolve(r);
      });
    });
    assert.equal(killed.signal, "SIGKILL");
    assert.equal(renewals().length, 2, "the portal accepted the renewal before the kill");
    const stale = await expiresOn();
    assert.equal(stale, expiry, "the killed run wrote no checkpoint with the new expiry");
    await project.run(["cancel", "--yes"]);
    const up = await project.run(["up", "--yes"]);
    assert.equal(up.code, 0, up.output);
    assert.match(up.output, /already paid through/);
    assert.equal(renewals().length, 2, "one renewal in all for this date");
    assert.equal(await expiresOn(), addCycle(expiry, "annually"));
    const again = await project.preview(["--expect-no-changes"]);
    assert.equal(again.code, 0, again.output);
    assert.ok(!(await project.everything()).includes(CANARY_SECRET), "the client secret leaked");
  });

  it("a date in the past fails the preview and the up naming renewThrough; nothing is bought", async function () {
    await declare(project, [{ name: "pbx", args: args("2020-01-31") }]);
    const before = orders().length;
    const preview = await project.preview();
    assert.notEqual(preview.code, 0, preview.output);
    assert.match(preview.output, /renewThrough is 2020-01-31, a date in the past/);
    const up = await project.up();
    assert.notEqual(up.code, 0, up.output);
    assert.equal(orders().length, before);
  });
});
