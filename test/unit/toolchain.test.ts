/**
 * scripts/toolchain.sh builds the Pulumi YAML language host only when asked (--yaml): `npm run demo` runs no YAML
 * program and must not wait for a Go build, `npm test` runs YAML programs and must have one. Run on this clone
 * with an empty toolchain cache (YEASTAR_TOOLCHAIN_CACHE), the machine's pulumi and node 22 on PATH (so nothing
 * else needs building), no pulumi-language-yaml on PATH, and a fake `go` first on PATH that records how it was
 * called and fails (so no real build can start).
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../helpers/pulumi";

const scripts = (
  JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  }
).scripts;

/** The options an npm script gives scripts/toolchain.sh (`sh scripts/toolchain.sh --yaml npm ...` -> ["--yaml"]). */
function toolchainOptions(script: string): string[] {
  const m = /^sh scripts\/toolchain\.sh((?: --[a-z]+)*) /.exec(script);
  assert.ok(m, `expected the script to start with sh scripts/toolchain.sh: ${script}`);
  return m[1].split(" ").filter(Boolean);
}

function onPath(dirs: string[], name: string): string | undefined {
  for (const dir of dirs) {
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

describe("toolchain: the Pulumi YAML language host is built only for what runs YAML programs", function () {
  this.timeout(120_000);
  let tmp: string;
  let env: NodeJS.ProcessEnv;
  let goLog: string;

  before(function () {
    // Setup would reinstall node_modules under the running tests if they were older than the lockfile.
    const installed = path.join(REPO_ROOT, "node_modules", ".package-lock.json");
    assert.ok(
      fs.existsSync(installed) &&
        fs.statSync(installed).mtimeMs >= fs.statSync(path.join(REPO_ROOT, "package-lock.json")).mtimeMs,
      "node_modules is older than package-lock.json: run the tests through npm test (it installs them first)",
    );
    const machinePath = (process.env.PATH ?? "").split(path.delimiter).filter(Boolean);
    const pulumi = onPath(machinePath, "pulumi");
    const langhost = onPath(machinePath, "pulumi-language-nodejs");
    assert.ok(pulumi && langhost, "pulumi and pulumi-language-nodejs on PATH (run the tests through npm test)");
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "yeastar-toolchain-"));
    const fake = path.join(tmp, "fake-go");
    const tools = path.join(tmp, "tools");
    fs.mkdirSync(fake);
    fs.mkdirSync(tools);
    goLog = path.join(tmp, "go-calls.log");
    fs.writeFileSync(path.join(fake, "go"), `#!/bin/sh\necho "go $*" >> "${goLog}"\nexit 1\n`, { mode: 0o755 });
    fs.symlinkSync(fs.realpathSync(pulumi), path.join(tools, "pulumi"));
    fs.symlinkSync(fs.realpathSync(langhost), path.join(tools, "pulumi-language-nodejs"));
    // Only folders without a YAML host: pulumi's own folder may have one (an upstream installation), so pulumi
    // and its Node.js host come through `tools`.
    const rest = machinePath.filter((d) => !onPath([d], "pulumi-language-yaml") && !onPath([d], "pulumi"));
    env = { ...process.env, PATH: [fake, tools, path.dirname(process.execPath), ...rest].join(path.delimiter) };
    delete env.YEASTAR_FORCE_TOOLCHAIN_BUILD;
  });
  after(function () {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  function setup(options: string[], cache: string) {
    fs.rmSync(goLog, { force: true });
    const command = "command -v pulumi-language-yaml || echo no-yaml-host";
    return spawnSync("sh", ["scripts/toolchain.sh", ...options, "sh", "-c", command], {
      cwd: REPO_ROOT,
      env: { ...env, YEASTAR_TOOLCHAIN_CACHE: cache },
      encoding: "utf8",
    });
  }
  const goCalls = () => (fs.existsSync(goLog) ? fs.readFileSync(goLog, "utf8") : "");

  it("the setup of npm run demo, with an empty cache, calls no go and builds no YAML host", function () {
    const cache = fs.mkdtempSync(path.join(tmp, "cache-"));
    const r = setup(toolchainOptions(scripts.demo), cache);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(goCalls(), "", "go was not called");
    assert.equal(r.stdout.trim(), "no-yaml-host");
    assert.deepEqual(
      fs.readdirSync(cache).filter((e) => e.startsWith("pulumi-language-yaml")),
      [],
      "nothing YAML in the cache",
    );
    assert.doesNotMatch(r.stderr, /pulumi-language-yaml/);
  });

  it("the setup of npm test builds it (the fake go is asked for pulumi-language-yaml)", function () {
    const options = toolchainOptions(scripts.test);
    assert.ok(options.includes("--yaml"), `npm test asks for the YAML host: ${scripts.test}`);
    const r = setup(options, fs.mkdtempSync(path.join(tmp, "cache-")));
    assert.match(goCalls(), /^go build .*github\.com\/pulumi\/pulumi-yaml\/cmd\/pulumi-language-yaml/m);
    // The fake go fails, and setup says what failed.
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /building pulumi-language-yaml failed/);
  });

  it("a YAML host built earlier into the cache is put on PATH without --yaml, and nothing is built", function () {
    const cache = fs.mkdtempSync(path.join(tmp, "cache-"));
    const first = setup(["--yaml"], cache);
    assert.notEqual(first.status, 0, "the fake go built nothing");
    const keyed = fs.readdirSync(cache).find((e) => e.startsWith("pulumi-language-yaml-v"));
    assert.ok(keyed, "setup made the versioned cache folder");
    const bin = path.join(cache, keyed, "bin");
    // What a finished build leaves: the host and the key of toolchain/yaml/go.mod and go.sum.
    fs.writeFileSync(path.join(bin, "pulumi-language-yaml"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
    const key = spawnSync("sh", ["-c", "cat toolchain/yaml/go.mod toolchain/yaml/go.sum | cksum | cut -d' ' -f1"], {
      cwd: REPO_ROOT,
      encoding: "utf8",
    }).stdout;
    fs.writeFileSync(path.join(bin, ".key"), key);
    const r = setup(toolchainOptions(scripts.demo), cache);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(goCalls(), "");
    assert.equal(r.stdout.trim(), path.join(bin, "pulumi-language-yaml"));
  });
});

describe("toolchain: a node with the util.inspect loop is replaced by the pinned one", function () {
  this.timeout(120_000);
  let tmp: string;

  before(function () {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "yeastar-toolchain-node-"));
  });
  after(function () {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("the machine's node 22 that fails the probe is not used: the cached pinned node comes first on PATH", function () {
    const version = /^YP_NODE_VERSION=(\S+)$/m.exec(
      fs.readFileSync(path.join(REPO_ROOT, "scripts", "setup.sh"), "utf8"),
    );
    assert.ok(version, "scripts/setup.sh pins YP_NODE_VERSION");
    // A node 22 that loops (ends as V8 does at its heap limit, SIGABRT's exit 134) on the probe, whatever else it runs.
    const fake = path.join(tmp, "fake-node");
    fs.mkdirSync(fake);
    fs.writeFileSync(
      path.join(fake, "node"),
      `#!/bin/sh\ncase "$*" in *process.versions.node*) echo 22; exit 0;; esac\necho "$*" >> "${path.join(tmp, "node-calls.log")}"\nexit 134\n`,
      { mode: 0o755 },
    );
    // The pinned node, already in the cache (so nothing is fetched): this test's own node.
    const cache = path.join(tmp, "cache");
    const pinned = path.join(cache, `node-v${version[1]}`, "bin");
    fs.mkdirSync(pinned, { recursive: true });
    fs.symlinkSync(process.execPath, path.join(pinned, "node"));
    const r = spawnSync("sh", ["scripts/toolchain.sh", "sh", "-c", "command -v node"], {
      cwd: REPO_ROOT,
      env: { ...process.env, PATH: [fake, process.env.PATH].join(path.delimiter), YEASTAR_TOOLCHAIN_CACHE: cache },
      encoding: "utf8",
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), path.join(pinned, "node"));
    assert.match(fs.readFileSync(path.join(tmp, "node-calls.log"), "utf8"), /--max-old-space-size=16/, "the probe ran");
  });

  it("the probe passes on the node the tests run on (the toolchain's)", function () {
    const setup = fs.readFileSync(path.join(REPO_ROOT, "scripts", "setup.sh"), "utf8");
    const probe = /node --max-old-space-size=16 -e '([^']+)'/.exec(setup);
    assert.ok(probe, "scripts/setup.sh has the probe");
    const code = probe[1];
    const ok = spawnSync(process.execPath, ["--max-old-space-size=16", "-e", code], { encoding: "utf8" });
    assert.equal(ok.status, 0, ok.stderr);
    // It inspects the stack shape that loops on an affected node: a file right under a scoped package.
    assert.match(code, /node_modules\/@scope\/file\.js/);
  });
});
