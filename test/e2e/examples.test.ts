/**
 * The fleet example, run as a user would run it (TypeScript, the package from node_modules) against the sandbox.
 */
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { startSandbox, type Sandbox } from "../../sandbox";
import { CANARY_SECRET } from "../helpers/pbx";
import { PulumiProject, REPO_ROOT } from "../helpers/pulumi";

describe("examples/fleet against the sandbox", function () {
  let sandbox: Sandbox;
  let project: PulumiProject;

  before(async function () {
    sandbox = await startSandbox({ clientSecret: CANARY_SECRET });
    project = await PulumiProject.create({
      name: "fleet",
      sourceDir: path.join(REPO_ROOT, "examples", "fleet"),
      config: {
        "yeastar:clientId": "sandbox-client",
        "yeastar:baseUrl": sandbox.url,
        "yeastar-fleet:protect": "false",
      },
      secrets: { "yeastar:clientSecret": CANARY_SECRET },
    });
  });
  after(async function () {
    project?.cleanup();
    await sandbox?.close();
  });

  it("preview buys nothing; up buys one PBX per customer, each assigned to its subordinate user", async function () {
    const p = await project.preview();
    assert.equal(p.code, 0, p.output);
    assert.equal(sandbox.admin.stats().orders.length, 0);
    const r = await project.up();
    assert.equal(r.code, 0, r.output);
    const orders = sandbox.admin.stats().orders;
    assert.equal(orders.length, 3);
    const assigned = new Map(orders.map((o) => [o.orderPceSpecialRequest?.pbxUrl, o.assignId]));
    assert.equal(assigned.get("customer-one.eu.sandbox.yeastarcloud.com"), "3076913644915998721");
    assert.equal(assigned.get("customer-two.eu.sandbox.yeastarcloud.com"), "3076913644915998723");
    const fleet = (await project.outputs()).fleet as Record<string, { pbxUrl: string; serialNumber: string }>;
    assert.deepEqual(Object.keys(fleet).sort(), ["Customer One", "Customer Three", "Customer Two"]);
    assert.equal(fleet["Customer Two"].pbxUrl, "customer-two.eu.sandbox.yeastarcloud.com");
  });

  it("a second up buys nothing", async function () {
    const r = await project.up();
    assert.equal(r.code, 0, r.output);
    assert.equal(sandbox.admin.stats().orders.length, 3);
  });
});
