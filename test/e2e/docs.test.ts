/**
 * The documentation works as written: the shell blocks of the README, of every docs/*.md and of every example
 * README run in order, one bash session per file, in a fresh copy of this repository (its git-tracked and untracked,
 * not ignored files: no node_modules, no dist), with the real CLI, against one sandbox on loopback shared by all
 * files. A command that fails fails the test, naming the file and the line of its block.
 *
 * What the test changes, and nothing else:
 * - The one substitution: the sandbox URL the docs use, http://127.0.0.1:8787, becomes this test's sandbox URL
 *   (its credentials are the sandbox defaults the docs use, sandbox-client and sandbox-secret).
 * - Markers before a block (see test/helpers/markdown.ts): `<!-- docs-test: skip (why) -->` is not run,
 *   `<!-- docs-test: expect-failure (why) -->` must fail.
 * - Beyond each command's exit status: no run may print Node.js's DEP0128 warning (an invalid "main").
 * - The reader's machine: a fresh HOME; PATH without the project toolchain (the READMEs put it there); the npm
 *   cache and the toolchain cache of this machine reused; no update notices; `pulumi up` and `pulumi destroy`
 *   confirmed as a reader would confirm them (PULUMI_SKIP_CONFIRMATIONS); stdin closed.
 * - An example's README runs its TypeScript program without type-checking it again at each `pulumi` run
 *   (PULUMI_NODEJS_TRANSPILE_ONLY): `npm run typecheck:examples`, part of `npm test`, type-checks every
 *   examples/<name>/index.ts against this package, once, so no check is dropped and each run saves about 3
 *   CPU-seconds. Every other page's programs are type-checked as a reader's are.
 * - The state backend: PULUMI_BACKEND_URL points into this run's folder. The READMEs' `pulumi login --local`
 *   means `file://~`, which the CLI resolves to the account's home directory, not to $HOME, so without it every
 *   run on a machine would share one backend, and a stack a failed run left behind would fail the next run's
 *   `pulumi stack init`.
 */
import * as assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startSandbox, type Sandbox } from "../../sandbox";
import { shellBlocks, type ShellBlock } from "../helpers/markdown";
import { processesMarkedBy } from "../helpers/processes";
import { REPO_ROOT, requirePulumiCli } from "../helpers/pulumi";

/** Every page a reader is sent to: the README, every file in docs/, every example's README (each list sorted). */
function docsFiles(): string[] {
  const sorted = (names: string[]) => [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const docs = sorted(fs.readdirSync(path.join(REPO_ROOT, "docs")).filter((f) => f.endsWith(".md"))).map(
    (f) => `docs/${f}`,
  );
  const examples = sorted(
    fs
      .readdirSync(path.join(REPO_ROOT, "examples"), { withFileTypes: true })
      .filter((e) => e.isDirectory() && fs.existsSync(path.join(REPO_ROOT, "examples", e.name, "README.md")))
      .map((e) => e.name),
  ).map((name) => `examples/${name}/README.md`);
  return ["README.md", ...docs, ...examples];
}
const DOCS = docsFiles();
const DOCUMENTED_SANDBOX_URL = "http://127.0.0.1:8787";

function toolchainCache(): string {
  return (
    process.env.YEASTAR_TOOLCHAIN_CACHE ||
    path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "pulumi-yeastar-pseries")
  );
}

function npmCache(): string {
  if (process.env.npm_config_cache) return process.env.npm_config_cache;
  return spawnSync("npm", ["config", "get", "cache"], { encoding: "utf8" }).stdout.trim();
}

/** A fresh copy of the repository as a clone would have it. */
function freshCopy(dest: string): void {
  const listed = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: REPO_ROOT,
    encoding: "utf8",
  });
  if (listed.status !== 0) throw new Error(`git ls-files failed in ${REPO_ROOT}: ${listed.stderr}`);
  for (const file of listed.stdout.split("\0").filter(Boolean)) {
    const from = path.join(REPO_ROOT, file);
    if (!fs.existsSync(from)) continue; // deleted in the work tree, not yet committed
    fs.mkdirSync(path.dirname(path.join(dest, file)), { recursive: true });
    fs.copyFileSync(from, path.join(dest, file));
    fs.chmodSync(path.join(dest, file), fs.statSync(from).mode);
  }
}

/**
 * This user's Go build and module caches (a reader's machine keeps them across projects, like the toolchain cache):
 * their defaults live under HOME, which the reader gets fresh. Empty when Go is not installed.
 */
function goCaches(): Record<string, string> {
  const r = spawnSync("go", ["env", "GOCACHE", "GOMODCACHE"], { encoding: "utf8" });
  if (r.status !== 0) return {};
  const [GOCACHE, GOMODCACHE] = r.stdout.trim().split("\n");
  return GOCACHE && GOMODCACHE ? { GOCACHE, GOMODCACHE } : {};
}

/** The reader's environment: see the header. */
function readerEnv(home: string, backend: string): NodeJS.ProcessEnv {
  const cache = toolchainCache();
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(npm_|PULUMI_|YEASTAR_)/i.test(k) || k === "INIT_CWD" || k === "XDG_CACHE_HOME") continue;
    env[k] = v;
  }
  const pathEntries = (process.env.PATH ?? "").split(path.delimiter).filter((p) => p && !p.startsWith(cache));
  return {
    ...env,
    ...goCaches(),
    HOME: home,
    PATH: pathEntries.join(path.delimiter),
    YEASTAR_TOOLCHAIN_CACHE: cache,
    npm_config_cache: npmCache(),
    npm_config_update_notifier: "false",
    npm_config_fund: "false",
    npm_config_audit: "false",
    npm_config_prefer_offline: "true",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
    PULUMI_BACKEND_URL: `file://${backend}`,
    NO_COLOR: "1",
  };
}

/** One bash script for a README: its blocks in order, each announced, with the failing block named. */
function script(doc: string, blocks: ShellBlock[], root: string, scratch: string, sandboxUrl: string): string {
  const lines = [
    "set -eo pipefail",
    `trap 'echo "@@docs-test: exit $? in the block at $DOCS_BLOCK: $BASH_COMMAND" >&2' ERR`,
    `cd ${JSON.stringify(root)}`,
  ];
  blocks.forEach((block, i) => {
    const where = `${doc}:${block.line}`;
    if (block.marker === "skip") {
      lines.push(`echo "@@docs-test: skipped the block at ${where} (${(block.reason ?? "").replace(/["$`\\]/g, "")})"`);
      return;
    }
    const file = path.join(scratch, `${doc.replace(/[/.]/g, "_")}-${i + 1}.sh`);
    fs.writeFileSync(file, `${block.code.split(DOCUMENTED_SANDBOX_URL).join(sandboxUrl)}\n`);
    lines.push(`DOCS_BLOCK=${JSON.stringify(where)}`, `echo "@@docs-test: $(date +%T) running the block at ${where}"`);
    if (block.marker === "expect-failure") {
      lines.push(
        `if bash -eo pipefail ${JSON.stringify(file)}; then echo "@@docs-test: the block at ${where} was expected to fail" >&2; exit 97; fi`,
      );
    } else {
      lines.push(`. ${JSON.stringify(file)}`);
    }
  });
  lines.push(`echo "@@docs-test: $(date +%T) ${doc} done"`);
  return lines.join("\n") + "\n";
}

function runBash(file: string, env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", [file], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

describe("docs: every shell block of the READMEs runs as written", function () {
  let sandbox: Sandbox;
  let work: string;
  let root: string;
  let env: NodeJS.ProcessEnv;

  before(async function () {
    requirePulumiCli();
    sandbox = await startSandbox({});
    work = fs.mkdtempSync(path.join(os.tmpdir(), "yeastar-docs-"));
    root = path.join(work, "pulumi-yeastar-pseries");
    fs.mkdirSync(path.join(work, "home"));
    fs.mkdirSync(path.join(work, "scripts"));
    freshCopy(root);
    fs.mkdirSync(path.join(work, "state"));
    env = readerEnv(path.join(work, "home"), path.join(work, "state"));
  });
  after(async function () {
    await sandbox?.close();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it("covers the README, every docs/*.md and every example's README", function () {
    const examples = fs
      .readdirSync(path.join(REPO_ROOT, "examples"), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => `examples/${e.name}/README.md`);
    const docs = fs
      .readdirSync(path.join(REPO_ROOT, "docs"))
      .filter((f) => f.endsWith(".md"))
      .map((f) => `docs/${f}`);
    assert.deepEqual(
      [...examples, ...docs, "README.md"].filter((e) => !DOCS.includes(e)),
      [],
    );
  });

  for (const doc of DOCS) {
    it(doc, async function () {
      const blocks = shellBlocks(fs.readFileSync(path.join(REPO_ROOT, doc), "utf8"), doc);
      if (!blocks.some((b) => b.marker !== "skip")) {
        // A reference page may have no command to run; the README and every example must have one.
        assert.ok(doc.startsWith("docs/"), `${doc} has no shell block that runs`);
        return;
      }
      const file = path.join(work, "scripts", `${doc.replace(/[/.]/g, "_")}.sh`);
      fs.writeFileSync(file, script(doc, blocks, root, path.join(work, "scripts"), sandbox.url));
      const checkedElsewhere =
        doc.startsWith("examples/") && fs.existsSync(path.join(REPO_ROOT, path.dirname(doc), "index.ts"));
      const r = await runBash(file, checkedElsewhere ? { ...env, PULUMI_NODEJS_TRANSPILE_ONLY: "true" } : env, root);
      const tail = r.output.split("\n").slice(-80).join("\n");
      assert.equal(r.code, 0, `a documented command failed (${doc}):\n${tail}`);
      assert.match(r.output, new RegExp(`@@docs-test: [\\d:]+ ${doc.replace(/\./g, "\\.")} done`));
      // A project set up as the README says runs quietly: no Node.js warning about an invalid "main" (DEP0128).
      assert.doesNotMatch(r.output, /DEP0128|Invalid 'main' field/, `${doc}: a run warned about "main"`);
      const left = processesMarkedBy([work], work);
      assert.deepEqual(
        left.map((p) => `${p.pid} ${p.cmdline}`),
        [],
        `processes left running after ${doc}`,
      );
    });
  }
});
