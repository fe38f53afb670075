/**
 * The money budget through the real CLI: `pulumi preview --policy-pack` with `yeastar-money-budget` mandatory
 * blocks a preview whose priced planned orders cost more than the cap, and places no order.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { startSandbox, type Sandbox } from "../../sandbox";
import { PulumiProject, REPO_ROOT } from "../helpers/pulumi";
import { CANARY_SECRET, declare, pbxArgs, pbxProject } from "../helpers/pbx";

describe("money budget through pulumi preview --policy-pack", function () {
  let sandbox: Sandbox;
  let project: PulumiProject;
  const packDir = path.join(REPO_ROOT, "policy");
  const configFile = (budget: Record<string, unknown>) => {
    const file = path.join(project.dir, "policy-budget.json");
    fs.writeFileSync(file, JSON.stringify({ all: "mandatory", "yeastar-money-budget": budget }));
    return file;
  };

  before(async function () {
    sandbox = await startSandbox({ clientSecret: CANARY_SECRET });
    project = await pbxProject(sandbox, "budget");
    // Two new PBXs of 100 enterprise extensions a year: USD 4000.00 each at the sandbox's prices.
    await declare(project, [
      { name: "north", args: pbxArgs({ subdomain: "north-office" }), protect: true },
      { name: "south", args: pbxArgs({ subdomain: "south-office" }), protect: true },
    ]);
  });
  after(async function () {
    project?.cleanup();
    await sandbox?.close();
  });

  it("blocks a preview that would spend more than maxPerStack, naming the amount and the cap; 0 orders", async function () {
    const r = await project.preview([
      "--policy-pack",
      packDir,
      "--policy-pack-config",
      configFile({ maxPerStack: 5000 }),
    ]);
    assert.notEqual(r.code, 0, r.output);
    assert.match(r.output, /yeastar-money-budget/);
    assert.match(r.output, /USD 8000\.00 in this stack/);
    assert.match(r.output, /allowed USD 5000\.00 per stack/);
    assert.equal(sandbox.admin.stats().orders.length, 0);
  });

  it("blocks a PBX over maxPerPbx, naming it", async function () {
    const r = await project.preview([
      "--policy-pack",
      packDir,
      "--policy-pack-config",
      configFile({ maxPerPbx: 3999.99 }),
    ]);
    assert.notEqual(r.code, 0, r.output);
    assert.match(r.output, /PBX "north": the preview plans 1 order\(s\) costing USD 4000\.00/);
    assert.match(r.output, /PBX "south"/);
    assert.equal(sandbox.admin.stats().orders.length, 0);
  });

  it("passes a preview within both caps", async function () {
    const r = await project.preview([
      "--policy-pack",
      packDir,
      "--policy-pack-config",
      configFile({ maxPerPbx: 4000, maxPerStack: "8000.00" }),
    ]);
    assert.equal(r.code, 0, r.output);
    assert.doesNotMatch(r.output, /yeastar-money-budget/);
  });
});
