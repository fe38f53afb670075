/**
 * What a user sees when the provider cannot work: a wrong or missing client secret, or a portal that does not
 * answer. Through the real CLI, each failure is one diagnostic on the PBX (the CLI shows it on the PBX's progress
 * row and once more under "Diagnostics"), with no copy on the stack, no class-name prefix doubled, and no stack
 * trace.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { startSandbox, type Sandbox } from "../../sandbox";
import { CANARY_SECRET, declare, pbxArgs, pbxProject } from "../helpers/pbx";
import { freePort } from "../helpers/ports";
import { REPO_ROOT, type PulumiProject, type RunResult } from "../helpers/pulumi";

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

/** The part of the output under "Diagnostics:", up to the summary. */
function diagnostics(output: string): string {
  const start = output.indexOf("Diagnostics:");
  if (start < 0) return "";
  const end = output.slice(start).search(/\n(Resources|Outputs|Policies):/);
  return end < 0 ? output.slice(start) : output.slice(start, start + end);
}

/** One clear message: one diagnostic on the PBX, no copy on the stack, no stack frames, no doubled error class. */
function assertShownOnce(r: RunResult, needle: string): void {
  assert.notEqual(r.code, 0, r.output);
  const diag = diagnostics(r.output);
  assert.equal(count(diag, needle), 1, `once under Diagnostics:\n${r.output}`);
  // The progress lines before it show the PBX's row (again when its status changes), never the stack's.
  const progress = r.output.slice(0, r.output.indexOf("Diagnostics:")).split("\n");
  const rows = progress.filter((l) => l.includes(needle));
  assert.ok(rows.length >= 1, r.output);
  for (const row of rows) assert.match(row, /PSeriesCloudPbx acme /, `only on the PBX's row:\n${r.output}`);
  assert.doesNotMatch(r.output, /\.ts:\d+(:\d+)?\)?$/m, "no stack frame into a .ts file");
  assert.doesNotMatch(r.output, /^\s+at .*\(.*:\d+:\d+\)$/m, "no stack frame at all");
  assert.doesNotMatch(r.output, /(ApiError|NetworkError|SettingsError|YeastarError): /, "no error class prefix");
  assert.match(diag, /PSeriesCloudPbx \(acme\)/, "the diagnostic is on the PBX");
  // The engine may add its own "update failed" on the stack; the provider's message is not repeated there.
  const stack = /pulumi:pulumi:Stack \([^)]*\):\n((?: {4}.*\n?)*)/.exec(diag)?.[1] ?? "";
  assert.equal(count(stack, needle), 0, `no copy on the stack:\n${diag}`);
  assert.ok(!r.output.includes(CANARY_SECRET));
}

describe("errors a user can fix are shown once, without a stack trace", function () {
  let sandbox: Sandbox;
  let project: PulumiProject;

  before(async function () {
    sandbox = await startSandbox({ clientSecret: CANARY_SECRET });
    project = await pbxProject(sandbox, "error-output");
    await declare(project, [{ name: "acme", args: pbxArgs({ subdomain: "error-output" }) }]);
  });
  after(async function () {
    project?.cleanup();
    await sandbox?.close();
  });

  it("a wrong client secret: preview and up", async function () {
    await project.setConfig("yeastar:clientSecret", "not-the-secret", true);
    for (const args of [["preview"], ["up", "--yes"]]) {
      const r = await project.run(args);
      assertShownOnce(r, 'code "invalid_client"');
      assert.match(r.output, /check yeastar:clientId and yeastar:clientSecret/);
    }
    assert.equal(sandbox.admin.stats().orders.length, 0);
  });

  it("a missing client secret", async function () {
    await project.run(["config", "rm", "yeastar:clientSecret"]);
    const r = await project.run(["preview"], { env: { YEASTAR_CLIENT_SECRET: undefined } });
    assertShownOnce(r, "yeastar:clientSecret is not set");
    assert.match(r.output, /pulumi config set --secret yeastar:clientSecret/);
  });

  it("a portal that does not answer", async function () {
    await project.setConfig("yeastar:clientSecret", CANARY_SECRET, true);
    await project.setConfig("yeastar:baseUrl", `http://127.0.0.1:${await freePort()}`);
    const r = await project.run(["preview"], { env: { YEASTAR_TIMEOUT_MS: "1000" } });
    assertShownOnce(r, "network error");
    assert.match(r.output, /Check network access to/);
  });

  it("a refresh the portal refuses (the read path) is shown once too", async function () {
    await project.setConfig("yeastar:baseUrl", sandbox.url);
    const up = await project.up();
    assert.equal(up.code, 0, up.output);
    // A refresh configures the provider from the state, not the program: the refusal comes from the portal.
    sandbox.admin.addFault({ endpoint: "productDetail", status: 403, code: "forbidden" });
    const r = await project.run(["refresh", "--yes", "--skip-preview"]);
    assertShownOnce(r, 'code "forbidden"');
  });

  it("a second up on a locked stack says what docs/troubleshooting.md quotes, and buys nothing", async function () {
    sandbox.admin.addFault({ endpoint: "orderSave", afterCommit: true, latencyMs: 6000, times: 1 });
    await declare(project, [
      { name: "acme", args: pbxArgs({ subdomain: "error-output" }) },
      { name: "second", args: pbxArgs({ subdomain: "error-output-2" }) },
    ]);
    const first = project.up();
    const deadline = Date.now() + 60_000;
    while (!sandbox.admin.stats().orders.some((o) => o.orderPceSpecialRequest?.pbxUrl?.startsWith("error-output-2"))) {
      assert.ok(Date.now() < deadline, "the first up placed its order");
      await new Promise((r) => setTimeout(r, 100));
    }
    const second = await project.run(["up", "--yes", "--skip-preview"]);
    assert.notEqual(second.code, 0, second.output);
    const said = /error: the stack is currently locked by 1 lock\(s\)\.[^\n]*/.exec(second.output)?.[0];
    assert.ok(said, second.output);
    const doc = fs.readFileSync(path.join(REPO_ROOT, "docs", "troubleshooting.md"), "utf8");
    assert.ok(doc.includes(said), `docs/troubleshooting.md quotes the CLI's words: ${said}`);
    assert.match(second.output, /created by .* \(pid \d+\)/, "the lock names its host and pid, as the docs say");
    const done = await first;
    assert.equal(done.code, 0, done.output);
    assert.equal(sandbox.admin.stats().orders.length, 2, "one purchase per PBX");
  });
});
