/**
 * `npm run sandbox -- <args>` as docs/sandbox.md documents it: every argument reaches the sandbox CLI.
 */
import * as assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PATHS } from "../../provider/api/catalog";
import { REPO_ROOT } from "../helpers/pulumi";
import { freePort } from "../helpers/ports";

function npmRunSandbox(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn("npm", ["run", "sandbox", "--", ...args], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function waitFor(condition: () => boolean, what: string, ms = 120000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("npm run sandbox -- <args>", function () {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "yeastar-sandbox-cli-"));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("listens on --port and writes --state", async function () {
    const port = await freePort();
    const stateFile = path.join(dir, "x.json");
    const run = npmRunSandbox(["--port", String(port), "--state", stateFile, "--client-id", "args-client"]);
    try {
      await waitFor(() => run.output().includes("listening on"), "the sandbox to listen");
      assert.match(run.output(), new RegExp(`yeastar-sandbox listening on http://127\\.0\\.0\\.1:${port}\\b`));
      // The client id went through too: a token for it is issued, which the sandbox saves in its state file.
      const token = await fetch(`http://127.0.0.1:${port}${PATHS.token}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", "user-agent": "sandbox-cli-test" },
        body: "grant_type=pp_credentials&client_id=args-client&client_secret=sandbox-secret",
      });
      assert.equal(token.status, 200, await token.text());
      await waitFor(() => fs.existsSync(stateFile), "the state file", 5000);
      const state = JSON.parse(fs.readFileSync(stateFile, "utf8")) as { version: number };
      assert.equal(state.version, 1);
    } finally {
      process.kill(-run.child.pid!, "SIGTERM");
      await run.exited;
    }
  });

  it("a bad argument reaches the CLI, which names it and exits 2", async function () {
    const run = npmRunSandbox(["--port", "eighty"]);
    const code = await run.exited;
    assert.notEqual(code, 0);
    assert.match(run.output(), /--port must be a non-negative integer, got "eighty"/);
  });
});
