/**
 * No process outlives a CLI run: after a preview, an up, a failed up and a destroy, the language host, the program
 * and the dynamic provider have all exited. Also what plain `pulumi preview` (without --diff) shows.
 */
import * as assert from "node:assert/strict";
import { startSandbox, type Sandbox } from "../../sandbox";
import { CANARY_SECRET, declare, pbxArgs, pbxProject } from "../helpers/pbx";
import { leftBehind } from "../helpers/processes";
import type { PulumiProject, RunResult } from "../helpers/pulumi";

describe("CLI runs leave no process behind", function () {
  let sandbox: Sandbox;
  let project: PulumiProject;

  before(async function () {
    sandbox = await startSandbox({ clientSecret: CANARY_SECRET });
    project = await pbxProject(sandbox, "processes");
  });
  after(async function () {
    project?.cleanup();
    await sandbox?.close();
  });

  /** Runs the CLI, checks that plugins did run under it, and that none is left once the CLI has exited. */
  async function runAndCount(args: string[]): Promise<RunResult> {
    const marks = [project.dir, String(project.env.PULUMI_HOME)];
    assert.deepEqual(project.processes(), [], "nothing of this project runs before the CLI");
    let seen = 0;
    const poll = setInterval(() => {
      seen = Math.max(seen, project.processes().length);
    }, 50);
    const r = await project.run(args);
    clearInterval(poll);
    // The scan itself is proven to see the CLI and its plugins while they run.
    assert.ok(seen >= 2, `the scan saw ${seen} processes during pulumi ${args[0]}`);
    const left = await leftBehind(marks, project.dir);
    assert.deepEqual(
      left.map((p) => `${p.pid} ${p.cmdline}`),
      [],
      `processes left running after pulumi ${args.join(" ")}`,
    );
    return r;
  }

  it("plain preview: exits cleanly and shows what would be bought and its price", async function () {
    await declare(project, [{ name: "hq", args: pbxArgs({ highAvailability: true }) }]);
    const r = await runAndCount(["preview"]);
    assert.equal(r.code, 0, r.output);
    assert.match(
      r.output,
      /will place 1 order: new PBX acme-hq\.eu\.sandbox\.yeastarcloud\.com: enterprise plan, 100 extensions, billed annually \+ High Availability for 100 extensions \[USD \d+\.\d\d per year\]/,
    );
    assert.equal(sandbox.admin.stats().orders.length, 0);
  });

  it("up", async function () {
    const r = await runAndCount(["up", "--yes", "--skip-preview"]);
    assert.equal(r.code, 0, r.output);
    assert.equal(sandbox.admin.stats().orders.length, 1);
  });

  it("a failed up", async function () {
    await declare(project, [
      { name: "hq", args: pbxArgs({ highAvailability: true }) },
      { name: "taken", args: pbxArgs({ pbxName: "Taken", subdomain: "taken" }) },
    ]);
    const r = await runAndCount(["up", "--yes", "--skip-preview"]);
    assert.notEqual(r.code, 0, r.output);
    assert.match(r.output, /taken\.eu\.sandbox\.yeastarcloud\.com/);
    assert.equal(sandbox.admin.stats().orders.length, 1);
  });

  it("destroy", async function () {
    const r = await runAndCount(["destroy", "--yes", "--skip-preview"]);
    assert.equal(r.code, 0, r.output);
    assert.equal((await project.exportState()).resources.length, 0);
  });

  it("a CLI killed mid-update leaves its plugins running (their own process groups); the helper stops them", async function () {
    await declare(project, [{ name: "late", args: pbxArgs({ pbxName: "Late", subdomain: "late-one" }) }]);
    const before = sandbox.admin.stats().orders.length;
    // The order is stored, then its reply is held back while the CLI is killed.
    sandbox.admin.addFault({ endpoint: "orderSave", afterCommit: true, latencyMs: 5000, times: 1 });
    let pid = 0;
    const killed = await new Promise<RunResult>((resolve) => {
      const p = project.run(["up", "--yes", "--skip-preview"], { onSpawn: (child) => (pid = child) });
      const timer = setInterval(() => {
        if (sandbox.admin.stats().orders.length > before && pid) {
          clearInterval(timer);
          process.kill(-pid, "SIGKILL");
        }
      }, 50);
      void p.then(resolve);
    });
    assert.equal(killed.signal, "SIGKILL");
    const orphans = await leftBehind([project.dir, String(project.env.PULUMI_HOME)], project.dir, 500);
    assert.ok(orphans.length > 0, "killing the CLI alone stops its plugins too: then killLeftovers is not needed");
    project.killLeftovers();
    assert.deepEqual(await leftBehind([project.dir, String(project.env.PULUMI_HOME)], project.dir), []);
  });
});
