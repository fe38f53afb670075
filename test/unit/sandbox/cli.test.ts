import * as assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { PATHS } from "../../../provider/api/catalog";
import { UA } from "./helpers";

const CLI = resolve(__dirname, "../../../sandbox/cli.js");

function start(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const firstLine = new Promise<string>((resolveLine, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolveLine);
    child.once("exit", (code) => reject(new Error(`exited with ${code}`)));
  });
  return { child, firstLine };
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null) return Promise.resolve({ code: child.exitCode, signal: null });
  return new Promise((done) => child.once("exit", (code, signal) => done({ code, signal })));
}

async function tokenStatus(url: string, secret: string): Promise<number> {
  const res = await fetch(url + PATHS.token, {
    method: "POST",
    headers: { ...UA, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "pp_credentials", client_id: "cli-client", client_secret: secret }),
  });
  return res.status;
}

describe("sandbox: CLI", function () {
  this.timeout(20_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "yeastar-sandbox-cli-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`prints the listening line, serves the API and stops cleanly on ${signal}`, async () => {
      const stateFile = join(dir, `${signal}.json`);
      const { child, firstLine } = start(
        ["--port", "0", "--client-id", "cli-client", "--state", stateFile, "--token-lifetime", "60"],
        { YEASTAR_SANDBOX_CLIENT_SECRET: "cli-secret" },
      );
      try {
        const line = await firstLine;
        const match = /^yeastar-sandbox listening on (http:\/\/127\.0\.0\.1:(\d+))$/.exec(line);
        assert.ok(match, line);
        assert.ok(Number(match[2]) > 0);
        assert.equal(await tokenStatus(match[1], "cli-secret"), 200);
        assert.equal(await tokenStatus(match[1], "sandbox-secret"), 401, "the secret comes from the environment");
        assert.ok(existsSync(stateFile), "the token was saved to the state file");
        child.kill(signal);
        assert.deepEqual(await exited(child), { code: 0, signal: null });
      } finally {
        child.kill("SIGKILL");
      }
    });
  }

  it("--pid-file holds the process id while listening and is removed on exit", async () => {
    const pidFile = join(dir, "sandbox.pid");
    const { child, firstLine } = start(["--port", "0", "--pid-file", pidFile]);
    try {
      await firstLine;
      assert.equal(readFileSync(pidFile, "utf8").trim(), String(child.pid));
      child.kill("SIGTERM");
      assert.deepEqual(await exited(child), { code: 0, signal: null });
      assert.ok(!existsSync(pidFile), "removed on exit");
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("--rate-limit answers 429 with Retry-After beyond that many requests per second", async () => {
    const { child, firstLine } = start(["--port", "0", "--rate-limit", "1"]);
    try {
      const url = /listening on (\S+)$/.exec(await firstLine)![1];
      const get = () => fetch(url + PATHS.regionList, { headers: UA });
      assert.equal((await get()).status, 401, "the first request passes (to the token check)");
      const refused = await get();
      assert.equal(refused.status, 429);
      assert.equal(refused.headers.get("retry-after"), "1");
      assert.equal(((await refused.json()) as { code: string }).code, "too_many_requests");
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("refuses a --rate-limit that is not a positive number", async () => {
    const { child } = start(["--port", "0", "--rate-limit", "0"]);
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    assert.equal((await exited(child)).code, 2);
    assert.match(stderr, /--rate-limit must be a positive number of requests per second, got "0"/);
  });

  it("exits with status 2 and the usage on a bad argument", async () => {
    const { child } = start(["--port", "eighty"]);
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const { code } = await exited(child);
    assert.equal(code, 2);
    assert.match(stderr, /--port must be a non-negative integer/);
    assert.match(stderr, /usage: yeastar-sandbox/);
  });
});
