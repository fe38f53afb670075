/**
 * The money budget through the real CLI: `pulumi preview --policy-pack` with `yeastar-money-budget` mandatory
 * blocks a preview whose priced planned orders cost more than the cap, and places no order. A budget holds as
 * configured: a config that writes down only a cap (no level) blocks `preview` and `up` alike, an order the price
 * API would not price blocks too, and only a config that names the level `advisory` on purpose lets it pass.
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

describe("money budget as configured: a cap written down stops spending", function () {
  let sandbox: Sandbox;
  let project: PulumiProject;
  const packDir = path.join(REPO_ROOT, "policy");
  /** The policy pack config exactly as a user writes it: no "all", no level unless the test names one. */
  const configFile = (config: Record<string, unknown>) => {
    const file = path.join(project.dir, "policy-as-written.json");
    fs.writeFileSync(file, JSON.stringify(config));
    return file;
  };
  const cap = { "yeastar-money-budget": { maxPerStack: "5000.00" } };

  before(async function () {
    sandbox = await startSandbox({ clientSecret: CANARY_SECRET });
    project = await pbxProject(sandbox, "budget-as-written");
    // Three new PBXs of 100 enterprise extensions a year: USD 4000.00 each, USD 12000.00 in all.
    await declare(project, [
      { name: "east", args: pbxArgs({ subdomain: "east-office" }), protect: true },
      { name: "west", args: pbxArgs({ subdomain: "west-office" }), protect: true },
      { name: "central", args: pbxArgs({ subdomain: "central-office" }), protect: true },
    ]);
  });
  afterEach(function () {
    sandbox.admin.clearFaults();
  });
  after(async function () {
    project?.cleanup();
    await sandbox?.close();
  });

  it("only maxPerStack configured: preview fails as mandatory, naming the total and the cap; 0 orders", async function () {
    const r = await project.preview(["--policy-pack", packDir, "--policy-pack-config", configFile(cap)]);
    assert.notEqual(r.code, 0, r.output);
    assert.match(r.output, /mandatory/);
    assert.match(r.output, /USD 12000\.00 in this stack/);
    assert.match(r.output, /allowed USD 5000\.00 per stack/);
    assert.equal(sandbox.admin.stats().orders.length, 0);
  });

  it("only maxPerStack configured: `pulumi up --policy-pack` fails in its preview, before any order; 0 orders", async function () {
    // As a user runs it (with its preview; `--skip-preview` leaves the budget no planned orders to judge).
    const r = await project.run(["up", "--yes", "--policy-pack", packDir, "--policy-pack-config", configFile(cap)]);
    assert.notEqual(r.code, 0, r.output);
    assert.match(r.output, /yeastar-money-budget/);
    assert.match(r.output, /USD 12000\.00 in this stack/);
    assert.equal(sandbox.admin.stats().orders.length, 0);
    assert.deepEqual(await project.resourcesOfType("pulumi-nodejs:dynamic/yeastar:PSeriesCloudPbx"), []);
  });

  it("an order the price API would not price fails the preview and the up; 0 orders", async function () {
    sandbox.admin.addFault({ endpoint: "priceCalculate", status: 503, times: 1000 });
    const wide = configFile({ "yeastar-money-budget": { maxPerStack: "50000.00" } });
    const preview = await project.preview(["--policy-pack", packDir, "--policy-pack-config", wide]);
    assert.notEqual(preview.code, 0, preview.output);
    assert.match(preview.output, /cannot check its planned orders against the budget/);
    assert.match(preview.output, /has no price/);
    const up = await project.run(["up", "--yes", "--policy-pack", packDir, "--policy-pack-config", wide]);
    assert.notEqual(up.code, 0, up.output);
    assert.match(up.output, /cannot check its planned orders against the budget/);
    assert.equal(sandbox.admin.stats().orders.length, 0);
  });

  it("a level named advisory on purpose: reported, not blocked (preview passes, 0 orders)", async function () {
    const advisory = configFile({
      "yeastar-money-budget": { enforcementLevel: "advisory", maxPerStack: "5000.00" },
    });
    const r = await project.preview(["--policy-pack", packDir, "--policy-pack-config", advisory]);
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /advisory/);
    assert.match(r.output, /USD 12000\.00 in this stack/);
    assert.equal(sandbox.admin.stats().orders.length, 0);
  });
});
