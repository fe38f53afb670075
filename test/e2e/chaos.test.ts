/**
 * The fault campaign's fast setting (docs/fault-campaign.md): a few dozen short random histories with fixed
 * seeds, through the real CLI against the sandbox, two at a time. Every history injects random faults, pending
 * and failing orders, token expiry and SIGKILLs of the CLI, recovers the way a user would, and must keep every
 * invariant: nothing bought twice, nothing bought beyond what the program asked for, every bought PBX tracked or
 * named, state = portal = program after the last successful `up`, no secret anywhere.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { runCampaign } from "../../scripts/chaos/campaign";
import { DEFAULT_RUN_OPTIONS } from "../../scripts/chaos/run-history";
import { PulumiProject, REPO_ROOT, requirePulumiCli } from "../helpers/pulumi";

/** The campaign's program, built beside its harness. */
const CHAOS_DIR = path.join(REPO_ROOT, "dist", "scripts", "chaos");

const RESULTS = path.join(REPO_ROOT, ".e2e-tmp", "chaos-fast.json");

describe("fault campaign (fast setting)", function () {
  it("24 random histories with faults and SIGKILLs: every invariant holds", async function () {
    requirePulumiCli();
    const lines: string[] = [];
    const result = await runCampaign({
      seed: 1919,
      histories: 24,
      parallel: 2,
      maxSteps: 2,
      maxFleet: 3,
      // A failure is shrunk once, within a bounded time, so the test prints a short reproduction.
      shrink: { max: 1, minutes: 2 },
      run: DEFAULT_RUN_OPTIONS,
      log: (line) => lines.push(line),
    });
    fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
    fs.writeFileSync(RESULTS, JSON.stringify(result, null, 2));
    const report = [
      ...result.violations.map(
        (v) => `${v.script}\n${v.violations.map((x) => `${x.invariant}: ${x.detail}`).join("\n")}`,
      ),
      ...result.shrunk.map((s) => (s.reproduced ? `shrunk:\n${s.script}` : `seed ${s.seed} did not fail again`)),
    ].join("\n\n");
    assert.equal(result.failed, 0, `histories with violations (full log in ${RESULTS}):\n${report}`);
    assert.deepEqual(
      result.harnessErrors.map((h) => `${h.seed}: ${h.harnessError}`),
      [],
      "histories the harness could not finish",
    );
    // The campaign really did what it claims: the CLI was killed, faults and orders happened.
    assert.ok(result.totals.kills > 0, "no history killed the CLI");
    assert.ok(result.totals.orders >= result.histories, "fewer orders than histories");
    assert.ok(
      Object.keys(result.coverage).some((k) => k.includes("after commit")),
      "no fault after commit",
    );
    assert.equal(result.perHistory.length, 24);
  });
});

describe("fault campaign: a state torn by a kill", function () {
  // The file backend writes each file's metadata (`<stack>.json.attrs`) with a plain create-then-write, so a SIGKILL
  // between the two leaves it empty and every command stops with "failed to load checkpoint: EOF". The campaign
  // mends it as docs/troubleshooting.md tells a user to.
  it("an empty <stack>.json.attrs stops the CLI with EOF; deleting it, as docs/troubleshooting.md says, makes the stack readable", async function () {
    requirePulumiCli();
    const p = await PulumiProject.create({ name: "torn-state", program: path.join(CHAOS_DIR, "program.js") });
    try {
      await p.mustRun(["stack", "export"]);
      const stacks = path.join(p.env.PULUMI_BACKEND_URL!.replace(/^file:\/\//, ""), ".pulumi", "stacks", "torn-state");
      const attrs = path.join(stacks, "dev.json.attrs");
      assert.ok(fs.existsSync(attrs), `the backend wrote ${attrs}`);
      fs.writeFileSync(attrs, "");
      const torn = await p.run(["stack", "export"]);
      assert.notEqual(torn.code, 0);
      assert.match(torn.output, /failed to load checkpoint: EOF/);
      assert.equal(p.restoreCheckpointBackup(), true);
      assert.equal(p.restoreCheckpointBackup(), false, "nothing left to mend");
      const mended = await p.mustRun(["stack", "export"]);
      assert.match(mended.stdout, /"deployment"/);
    } finally {
      p.cleanup();
    }
  });

  it("a run killed while it held the lock: cancel fails on the torn state, and after the mend cancel frees the stack", async function () {
    requirePulumiCli();
    // A program that never ends, so the CLI holds the stack's lock until it is killed.
    const program = path.join(fs.mkdtempSync(path.join(REPO_ROOT, ".e2e-tmp", "hang-")), "index.js");
    fs.writeFileSync(program, "module.exports = new Promise(() => {});\n");
    const p = await PulumiProject.create({ name: "torn-locked", program });
    try {
      const backend = p.env.PULUMI_BACKEND_URL!.replace(/^file:\/\//, "");
      const locks = path.join(backend, ".pulumi", "locks");
      const held = () =>
        fs.existsSync(locks) && fs.readdirSync(locks, { recursive: true }).some((f) => /\.json$/.test(String(f)));
      let pid = 0;
      const run = p.run(["up", "--yes", "--skip-preview"], { onSpawn: (n) => (pid = n) });
      for (let waited = 0; !held(); waited += 100) {
        assert.ok(waited < 60_000, "the up took the stack's lock");
        await new Promise((r) => setTimeout(r, 100));
      }
      process.kill(-pid, "SIGKILL");
      assert.equal((await run).signal, "SIGKILL");
      p.killLeftovers();
      fs.writeFileSync(path.join(backend, ".pulumi", "stacks", "torn-locked", "dev.json.attrs"), "");

      const cancel = await p.run(["cancel", "--yes"]);
      assert.notEqual(cancel.code, 0);
      assert.match(cancel.output, /failed to load checkpoint: EOF/);
      assert.ok(held(), "the lock outlived the failed cancel");
      assert.equal(p.restoreCheckpointBackup(), true);
      const locked = await p.run(["refresh", "--yes", "--skip-preview"]);
      assert.notEqual(locked.code, 0);
      assert.match(locked.output, /currently locked/);
      await p.mustRun(["cancel", "--yes"]);
      assert.equal(held(), false);
      await p.mustRun(["refresh", "--yes", "--skip-preview"]);
    } finally {
      p.cleanup();
      fs.rmSync(path.dirname(program), { recursive: true, force: true });
    }
  });
});
