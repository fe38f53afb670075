/**
 * The CI recipes of examples/ci, run as CI runs them: examples/ci/pbx-pipeline.sh (the commands both recipes call)
 * with CI=true, no terminal, credentials only in YEASTAR_* variables, against the sandbox, with the stack's state
 * in a real PostgreSQL (the Pulumi CLI's postgres:// backend). The project is examples/single-pbx.
 */
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { SERVICES } from "../../provider/api/catalog";
import { startSandbox, type Sandbox } from "../../sandbox";
import { CANARY_SECRET } from "../helpers/pbx";
import { packWithoutPolicyRuntime } from "../helpers/policy-pack";
import { startPostgres, type Postgres } from "../helpers/postgres";
import { PulumiProject, REPO_ROOT } from "../helpers/pulumi";

const SCRIPT = path.join(REPO_ROOT, "examples", "ci", "pbx-pipeline.sh");

interface PipelineResult {
  code: number | null;
  stdout: string;
  stderr: string;
  output: string;
  summary: string;
}

describe("CI recipes: pull request preview and main-branch deploy, state in PostgreSQL", function () {
  let sandbox: Sandbox;
  let pg: Postgres;
  let project: PulumiProject;
  const everything: string[] = [];
  const orders = () => sandbox.admin.stats().orders;

  function pipeline(mode: string, env: Record<string, string> = {}): Promise<PipelineResult> {
    const outDir = fs.mkdtempSync(path.join(project.dir, "out-"));
    return new Promise((resolve, reject) => {
      const child = spawn("sh", [SCRIPT, mode], {
        cwd: project.dir,
        // What the recipes give the job: CI=true, secrets as environment variables, no terminal.
        env: {
          ...project.env,
          CI: "true",
          PULUMI_STACK: project.stack,
          YEASTAR_CLIENT_ID: "sandbox-client",
          YEASTAR_CLIENT_SECRET: CANARY_SECRET,
          YEASTAR_BASE_URL: sandbox.url,
          OUT_DIR: outDir,
          ...env,
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.on("error", reject);
      child.on("close", (code) => {
        const summaryFile = path.join(outDir, "summary.md");
        const summary = fs.existsSync(summaryFile) ? fs.readFileSync(summaryFile, "utf8") : "";
        everything.push(stdout, stderr, summary);
        resolve({ code, stdout, stderr, output: stdout + stderr, summary });
      });
    });
  }

  function policyConfig(level: string): string {
    const file = path.join(project.dir, `policy-${level}.json`);
    fs.writeFileSync(
      file,
      JSON.stringify({ all: level, "yeastar-allowed-regions": { allowedRegions: ["North America"] } }),
    );
    return file;
  }

  /** The example reads its extensions from stack config; in CI that config lives with the stack in PostgreSQL. */
  function setExtensions(n: number) {
    return project.setConfig("extensions", String(n));
  }

  before(async function () {
    sandbox = await startSandbox({ clientSecret: CANARY_SECRET });
    pg = await startPostgres();
    project = await PulumiProject.create({
      name: "ci-recipe",
      sourceDir: path.join(REPO_ROOT, "examples", "single-pbx"),
      env: { PULUMI_BACKEND_URL: pg.url },
    });
    await setExtensions(100);
  });
  after(async function () {
    project?.cleanup();
    await pg?.stop();
    await sandbox?.close();
  });

  it("the stack lives in PostgreSQL", async function () {
    const keys = (await pg.query("SELECT key FROM pulumi_state ORDER BY key")).split("\n");
    assert.ok(
      keys.some((k) => k.includes(".pulumi/stacks/") && k.endsWith(`/${project.stack}.json`)),
      `no stack file in the pulumi_state table: ${keys.join(", ")}`,
    );
  });

  it("pull request: the summary shows the new PBX, its order and price, and the policy violation; 0 orders", async function () {
    const r = await pipeline("preview", { POLICY_CONFIG: policyConfig("advisory") });
    assert.equal(r.code, 0, r.output);
    assert.ok(r.summary.startsWith("<!-- yeastar-pseries-plan -->\n"), r.summary);
    assert.equal(r.stdout, r.summary, "the job log shows the summary");
    assert.match(r.summary, /\*\*1 new PBX · 1 order · USD [\d,]+\.\d\d per year\*\*/);
    assert.match(
      r.summary,
      /\| `acme-hq` \| acme-hq\.eu\.sandbox\.yeastarcloud\.com \| - \| buy new PBX \| [^|]+ \| USD [\d,]+\.\d\d per year \|/,
    );
    assert.match(r.summary, /- \*\*Policy advisory\*\* `yeastar-allowed-regions` on `acme-hq`: .*region "Europe"/);
    assert.match(r.summary, /Policy packs: `yeastar-guardrails`; 1 violation/);
    assert.equal(orders().length, 0);
  });

  it("pull request: a mandatory violation fails the job, and the summary says why", async function () {
    const r = await pipeline("preview", { POLICY_CONFIG: policyConfig("mandatory") });
    assert.equal(r.code, 3, r.output);
    assert.match(r.summary, /- \*\*Policy mandatory\*\* `yeastar-allowed-regions` on `acme-hq`/);
    assert.match(r.summary, /Not a plan: the preview failed or is incomplete/);
    assert.match(r.stderr, /pulumi preview failed \(exit \d+\)/);
    assert.equal(orders().length, 0);
  });

  it("pull request: a --max-total gate fails the job with the summary, naming the total", async function () {
    const r = await pipeline("preview", { PLAN_FLAGS: "--max-total 1" });
    assert.equal(r.code, 1, r.output);
    assert.match(
      r.summary,
      /\*\*Pipeline gate failed\*\*: --max-total 1\.00: the total USD [\d.]+ per year is above it/,
    );
    assert.match(r.stderr, /plan: --max-total 1\.00: the total USD [\d.]+ per year is above it/);
    assert.equal(orders().length, 0);
  });

  /** A failed preview's comment: says so plainly, never "nothing to buy", and the job fails with 3, gates or not. */
  function assertNotAPlan(r: PipelineResult, problem: RegExp) {
    assert.equal(r.code, 3, r.output);
    assert.ok(r.summary.startsWith("<!-- yeastar-pseries-plan -->\n"), r.summary);
    assert.match(
      r.summary,
      /\*\*(preview failed or incomplete|no plan: the preview could not be read) · what up would buy is not known/,
    );
    assert.match(
      r.summary,
      /> \*\*Not a plan: the preview (failed or is incomplete|could not be read), so what `pulumi up` would buy is not known\.\*\*/,
    );
    assert.match(r.summary, problem);
    assert.doesNotMatch(r.summary, /nothing to buy/);
    assert.match(r.stderr, /pulumi preview failed \(exit [1-9]\d*\)/);
    assert.match(r.stderr, /plan: \S+preview\.json: not a plan: `pulumi preview` exited with code [1-9]/);
    assert.equal(orders().length, 0);
  }

  it("pull request: a policy pack that cannot start: the comment says the preview failed, the job exits 3", async function () {
    const pack = path.join(project.dir, "broken-pack");
    fs.mkdirSync(pack, { recursive: true });
    fs.writeFileSync(path.join(pack, "PulumiPolicy.yaml"), "runtime: nodejs\n");
    fs.writeFileSync(path.join(pack, "package.json"), '{"name": "broken-pack", "main": "index.js"}\n');
    fs.writeFileSync(path.join(pack, "index.js"), 'throw new Error("the broken pack cannot start");\n');
    for (const flags of ["", "--fail-on-purchase", "--max-total 5000"]) {
      const r = await pipeline("preview", { POLICY_PACK: pack, PLAN_FLAGS: flags });
      assertNotAPlan(r, /the event stream ends before the engine's summary event/);
      assert.match(r.summary, /the preview's error output: .*Error: the broken pack cannot start/);
    }
  });

  it("pull request without @pulumi/policy installed: the comment names it and the install command", async function () {
    const pack = packWithoutPolicyRuntime({ linkPulumi: true });
    try {
      const r = await pipeline("preview", { POLICY_PACK: pack.dir, PLAN_FLAGS: "--max-total 5000" });
      assertNotAPlan(r, /the package @pulumi\/policy is not installed\. .*: npm install --save-dev @pulumi\/policy/);
      assert.doesNotMatch(r.output + r.summary, /Require stack|Cannot find module/);
    } finally {
      pack.cleanup();
    }
  });

  it("pull request with an extension count the provider refuses: the preview's error is in the comment, the job exits 3", async function () {
    // A check failure is an error diagnostic in the engine events (a program that throws is one too, but the
    // TypeScript example then takes about 100 s to stop, so the unit tests read a real stream of that instead).
    await setExtensions(1000);
    try {
      const r = await pipeline("preview", { PLAN_FLAGS: "--fail-on-purchase" });
      assertNotAPlan(r, /the engine's summary event says the preview failed/);
      assert.match(r.summary, /the preview reported an error/);
      assert.match(r.summary, /\*\*Preview error\*\* on `acme-hq`: .*extensions/);
    } finally {
      await setExtensions(100);
    }
  });

  it("pull request on a stack that does not exist: pulumi prints nothing; the comment says so, the job exits 3", async function () {
    const r = await pipeline("preview", { PULUMI_STACK: "no-such-stack", PLAN_FLAGS: "--max-total 5000" });
    assertNotAPlan(r, /the input is empty/);
  });

  it("main: deploy buys exactly one PBX and the drift gate passes", async function () {
    const r = await pipeline("deploy");
    assert.equal(r.code, 0, r.output);
    assert.equal(orders().length, 1);
    assert.equal(orders()[0].operationType, "purchase_plan");
    assert.match(r.output, /unchanged/);
    // The backend stores each file as JSON {"data": <base64>} in its table.
    const stored = await pg.query(
      `SELECT data->>'data' FROM pulumi_state WHERE key LIKE '%.pulumi/stacks/%/${project.stack}.json'`,
    );
    const checkpoint = Buffer.from(stored.trim(), "base64").toString("utf8");
    assert.ok(checkpoint.includes(orders()[0].orderNo), "the checkpoint in PostgreSQL does not record the order");
  });

  it("pull request with nothing to buy: --fail-on-purchase passes", async function () {
    const r = await pipeline("preview", { PLAN_FLAGS: "--fail-on-purchase" });
    assert.equal(r.code, 0, r.output);
    assert.match(r.summary, /\*\*1 unchanged · nothing to buy\*\*/);
  });

  it("pull request raising extensions: the expansion order is listed and --fail-on-purchase fails", async function () {
    await setExtensions(120);
    const r = await pipeline("preview", { PLAN_FLAGS: "--fail-on-purchase" });
    assert.equal(r.code, 1, r.output);
    assert.match(
      r.summary,
      /\| `acme-hq` \| acme-hq\.eu\.sandbox\.yeastarcloud\.com \| - \| change \| Extension Expansion: \+20 \(100 -> 120\)/,
    );
    assert.match(r.stderr, /plan: --fail-on-purchase: this change would place 1 order/);
    assert.equal(orders().length, 1);
  });

  it("two main pipelines deploy the same stack at once: the backend's lock refuses one, nothing is bought twice", async function () {
    const [a, b] = await Promise.all([pipeline("deploy"), pipeline("deploy")]);
    // The CLI lists the stack's locks, then reads the other run's lock to name its owner; when that run ends in
    // between (likelier on a busy machine), the read fails with the backend's "key not found" instead of the
    // "currently locked" message. Either way the run met the other's lock and did nothing.
    const refused = (r: PipelineResult) =>
      r.code !== 0 &&
      (/the stack is currently locked/.test(r.output) || /key not found: sql: no rows in result set/.test(r.output));
    for (const r of [a, b]) {
      assert.ok(r.code === 0 || refused(r), `neither success nor the lock:\n${r.output}`);
    }
    assert.ok([a, b].some(refused), "no run met the lock");
    // The refused pipeline is re-run, as CI would: it finds nothing left to buy.
    const again = await pipeline("deploy");
    assert.equal(again.code, 0, again.output);
    const expansions = orders().filter((o) => String(o.serviceList[0].serviceId) === SERVICES.extensionExpansion);
    assert.equal(orders().length, 2, JSON.stringify(orders().map((o) => o.operationType)));
    assert.equal(expansions.length, 1);
    assert.equal(expansions[0].serviceList[0].quantity, 20);
    assert.equal(sandbox.admin.products()[0].extensions, 120);
  });

  it("main: a change made in the Partner Portal fails the drift gate; nothing is bought", async function () {
    sandbox.admin.updateProduct(sandbox.admin.products()[0].productNo, { extensions: 150 });
    const r = await pipeline("deploy");
    assert.notEqual(r.code, 0, r.output);
    assert.match(r.output, /150/);
    assert.equal(orders().length, 2);
  });

  it("no job output holds the database password or the API client secret", function () {
    const password = decodeURIComponent(new URL(pg.url).password);
    const text = everything.join("\n");
    assert.ok(password.length >= 16 && !text.includes(password), "the database password was printed");
    assert.ok(!text.includes(CANARY_SECRET), "the client secret was printed");
  });
});
