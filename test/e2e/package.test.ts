/**
 * The package as a reseller gets it: `npm pack` of a checkout without `dist/` (the `prepare` script builds it),
 * installed from the tarball into a scratch TypeScript Pulumi project outside the repository, next to
 * `@pulumi/pulumi` from the npm registry (the repository's own version, so npm's cache serves it). The sandbox is
 * started from the installed package's `yeastar-sandbox` bin, and the real CLI runs preview, up and destroy of a
 * program that uses the lookups and the resource.
 */
import * as assert from "node:assert/strict";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { CANARY_SECRET } from "../helpers/pbx";
import { REPO_ROOT, requirePulumiCli } from "../helpers/pulumi";

const execFileAsync = promisify(execFile);

interface Result {
  code: number;
  output: string;
  stdout: string;
}

async function run(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<Result> {
  try {
    const { stdout, stderr } = await execFileAsync(file, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, output: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string; message: string };
    return {
      code: typeof e.code === "number" ? e.code : -1,
      stdout: e.stdout ?? "",
      output: `${e.stdout ?? ""}${e.stderr ?? ""}${e.message}`,
    };
  }
}

async function mustRun(file: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): Promise<Result> {
  const r = await run(file, args, cwd, env);
  assert.equal(r.code, 0, `${file} ${args.join(" ")} failed:\n${r.output}`);
  return r;
}

function lockedVersion(name: string): string {
  const lock = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package-lock.json"), "utf8")) as {
    packages: Record<string, { version: string }>;
  };
  return lock.packages[`node_modules/${name}`].version;
}

const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import {
  PSeriesCloudPbx,
  getBillingContacts,
  getPbxOutput,
  getRegionsOutput,
  listPbxs,
} from "pulumi-yeastar-pseries";

const regions = getRegionsOutput();
const pbx = new PSeriesCloudPbx("scratch", {
  pbxName: "Scratch Project",
  subdomain: "scratch-pbx",
  region: regions.apply((r) => r[0].name),
  plan: "enterprise",
  extensions: 5,
  billingCycle: "monthly",
  billingContact: pulumi.output(getBillingContacts()).apply((c) => c[0].email),
});

export const regionNames = regions.apply((r) => r.map((x) => x.name));
export const pbxsBefore = pulumi.output(listPbxs()).apply((l) => l.length);
export const pbxUrl = pbx.pbxUrl;
export const productNo = pbx.productNo;
export const orderNo = pbx.orderNo;
export const lookedUp = getPbxOutput({ url: pbx.pbxUrl }).apply((p) => ({
  serialNumber: p.serialNumber,
  extensions: p.extensions,
  plan: p.plan,
}));
`;

describe("the packed package, installed into a scratch TypeScript project outside the repository", function () {
  let tmp: string;
  let project: string;
  let sandbox: ChildProcess | undefined;
  let sandboxUrl = "";
  let env: NodeJS.ProcessEnv;

  before(function () {
    requirePulumiCli();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "yeastar-pack-"));
    project = path.join(tmp, "scratch");
    env = {
      ...process.env,
      PULUMI_HOME: path.join(tmp, "pulumi-home"),
      PULUMI_BACKEND_URL: `file://${path.join(tmp, "state")}`,
      PULUMI_CONFIG_PASSPHRASE: "pack-passphrase",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_SKIP_CONFIRMATIONS: "true",
      NO_COLOR: "1",
    };
    fs.mkdirSync(path.join(tmp, "pulumi-home"));
    fs.mkdirSync(path.join(tmp, "state"));
  });
  after(async function () {
    if (sandbox?.pid && sandbox.exitCode === null) {
      const exited = new Promise((resolve) => sandbox!.once("exit", resolve));
      process.kill(sandbox.pid, "SIGTERM");
      await exited;
    }
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  let tarball: string;

  it("npm pack of a checkout without dist/ builds it (prepare) and ships the provider, sandbox, bins and policy", async function () {
    // A checkout: the files git knows (tracked or new, not ignored), without dist/ and node_modules/; the
    // repository's node_modules is linked in place of `npm ci` to keep the test offline and fast.
    const checkout = path.join(tmp, "checkout");
    const listed = await mustRun("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], REPO_ROOT);
    for (const file of listed.stdout.split("\0").filter(Boolean)) {
      const from = path.join(REPO_ROOT, file);
      if (!fs.existsSync(from)) continue; // deleted in the working tree
      fs.mkdirSync(path.dirname(path.join(checkout, file)), { recursive: true });
      fs.copyFileSync(from, path.join(checkout, file));
    }
    assert.ok(!fs.existsSync(path.join(checkout, "dist")));
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(checkout, "node_modules"), "dir");
    const packed = await mustRun("npm", ["pack", "--json", "--pack-destination", tmp], checkout);
    const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf("["))) as Array<{
      filename: string;
      files: Array<{ path: string }>;
    }>;
    tarball = path.join(tmp, info.filename);
    const files = info.files.map((f) => f.path);
    for (const wanted of [
      "package.json",
      "README.md",
      "docs/money.md", // the README's links into docs/ work in the package too
      "docs/troubleshooting.md",
      "dist/provider/index.js",
      "dist/provider/index.d.ts",
      "dist/provider/lookups.js",
      "dist/provider/cli/main.js",
      "dist/provider/pbx/engine.js",
      "dist/provider/native/main.js",
      "bin/pulumi-resource-yeastar",
      "dist/sandbox/cli.js",
      "dist/sandbox/index.js",
      "dist/policy/src/index.js",
      "policy/PulumiPolicy.yaml",
      "policy/index.js",
      "sdk/go/yeastar/go.mod",
      "sdk/go/yeastar/pseriesCloudPbx.go",
    ]) {
      assert.ok(files.includes(wanted), `${wanted} is in the package`);
    }
    assert.ok(!files.some((f) => f.startsWith("dist/test/") || f.startsWith("test/")), "no tests in the package");
    // A source map points at the .ts sources, which are not shipped: stack traces would name files nobody has.
    assert.deepEqual(
      files.filter((f) => f.endsWith(".map")),
      [],
      "no source maps of unshipped sources",
    );
  });

  it("installs into a scratch project with @pulumi/pulumi from the registry", async function () {
    fs.mkdirSync(project);
    fs.writeFileSync(
      path.join(project, "package.json"),
      JSON.stringify(
        {
          name: "scratch",
          private: true,
          main: "index.ts",
          dependencies: {
            "@pulumi/pulumi": lockedVersion("@pulumi/pulumi"),
            "pulumi-yeastar-pseries": `file:${tarball}`,
          },
          devDependencies: {
            "@types/node": lockedVersion("@types/node"),
            "ts-node": lockedVersion("ts-node"),
            typescript: lockedVersion("typescript"),
          },
        },
        null,
        2,
      ),
    );
    fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: scratch\nruntime: nodejs\n");
    fs.writeFileSync(
      path.join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "commonjs",
          strict: true,
          esModuleInterop: true,
          skipLibCheck: true,
        },
        files: ["index.ts"],
      }),
    );
    fs.writeFileSync(path.join(project, "index.ts"), PROGRAM);
    await mustRun("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], project);
    const installed = path.join(project, "node_modules", "pulumi-yeastar-pseries");
    assert.ok(!fs.lstatSync(installed).isSymbolicLink(), "installed from the tarball, not linked");
    for (const bin of ["yeastar-sandbox", "yeastar-pseries", "pulumi-resource-yeastar"]) {
      assert.ok(fs.existsSync(path.join(project, "node_modules", ".bin", bin)), `${bin} on the project's bin path`);
    }
    // The program type-checks against the installed declarations.
    await mustRun(path.join(project, "node_modules", ".bin", "tsc"), ["--noEmit", "-p", "."], project);
  });

  it("the installed native provider plugin starts through its bin link and announces its port", async function () {
    const plugin = spawn(path.join(project, "node_modules", ".bin", "pulumi-resource-yeastar"), ["127.0.0.1:1"], {
      cwd: project,
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const port = await new Promise<string>((resolve, reject) => {
        let out = "";
        let err = "";
        const timer = setTimeout(() => reject(new Error(`the plugin did not start:\n${out}${err}`)), 20_000);
        plugin.stderr.on("data", (d: Buffer) => (err += d));
        plugin.stdout.on("data", (d: Buffer) => {
          out += d;
          const line = /^(\d+)\n/.exec(out);
          if (line) {
            clearTimeout(timer);
            resolve(line[1]);
          }
        });
        plugin.on("exit", (code) => reject(new Error(`the plugin exited (${code}):\n${out}${err}`)));
      });
      assert.ok(Number(port) > 0);
    } finally {
      plugin.kill("SIGKILL");
    }
  });

  it("starts the sandbox from the installed bin", async function () {
    sandbox = spawn(path.join(project, "node_modules", ".bin", "yeastar-sandbox"), ["--port", "0"], {
      cwd: project,
      env: { ...process.env, YEASTAR_SANDBOX_CLIENT_SECRET: CANARY_SECRET },
      stdio: ["ignore", "pipe", "pipe"],
    });
    sandboxUrl = await new Promise<string>((resolve, reject) => {
      let seen = "";
      const timer = setTimeout(() => reject(new Error(`sandbox did not start:\n${seen}`)), 20_000);
      const onData = (d: Buffer) => {
        seen += d.toString();
        const m = /listening on (http:\/\/\S+)/.exec(seen);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      };
      sandbox!.stdout!.on("data", onData);
      sandbox!.stderr!.on("data", onData);
      sandbox!.once("exit", (code) => reject(new Error(`sandbox exited ${code}:\n${seen}`)));
    });
    assert.match(sandboxUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  async function orders(): Promise<number> {
    const stats = (await (await fetch(`${sandboxUrl}/__admin/stats`)).json()) as { orders: unknown[] };
    return stats.orders.length;
  }

  async function pulumi(args: string[]): Promise<Result> {
    const r = await run("pulumi", [...args, "--non-interactive", "--stack", "dev"], project, env);
    assert.ok(!r.output.includes(CANARY_SECRET), "the client secret never shows");
    return r;
  }

  it("preview, up and destroy with the real CLI: one order, found again by the lookups", async function () {
    await mustRun("pulumi", ["stack", "init", "dev", "--non-interactive"], project, env);
    for (const [key, value, secret] of [
      ["yeastar:clientId", "sandbox-client", false],
      ["yeastar:baseUrl", sandboxUrl, false],
      ["yeastar:clientSecret", CANARY_SECRET, true],
    ] as const) {
      await mustRun(
        "pulumi",
        ["config", "set", "--stack", "dev", ...(secret ? ["--secret"] : []), key, "--", value],
        project,
        env,
      );
    }

    const preview = await pulumi(["preview", "--diff"]);
    assert.equal(preview.code, 0, preview.output);
    assert.match(preview.output, /PSeriesCloudPbx/);
    assert.equal(await orders(), 0, "preview buys nothing");

    const up = await pulumi(["up", "--yes", "--skip-preview"]);
    assert.equal(up.code, 0, up.output);
    assert.equal(await orders(), 1);
    const out = JSON.parse(
      (await mustRun("pulumi", ["stack", "output", "--json", "--stack", "dev"], project, env)).stdout,
    ) as Record<string, unknown>;
    assert.deepEqual(out.regionNames, ["Europe", "North America", "Asia Pacific"]);
    assert.equal(out.pbxsBefore, 0);
    assert.equal(out.pbxUrl, "scratch-pbx.eu.sandbox.yeastarcloud.com");
    assert.match(String(out.orderNo), /\S/);
    assert.deepEqual(out.lookedUp, { serialNumber: out.productNo, extensions: 5, plan: "enterprise" });
    // Installed, the provider is stored in state as a reference to its module, not as its code (State size).
    const exported = JSON.parse(
      (await mustRun("pulumi", ["stack", "export", "--stack", "dev"], project, env)).stdout,
    ) as {
      deployment: { resources: Array<{ type: string; outputs?: Record<string, unknown> }> };
    };
    const pbx = exported.deployment.resources.find((r) => r.type.endsWith(":PSeriesCloudPbx"));
    const stored = String(pbx?.outputs?.__provider);
    assert.match(stored, /require\("pulumi-yeastar-pseries\/dist\/provider\/pbx\/provider\.js"\)/);
    assert.ok(stored.length < 400, `the stored provider is ${stored.length} bytes`);
    assert.equal(pbx?.outputs?.resolved, undefined, "resolved values are stored once, as outputs");

    const destroy = await pulumi(["destroy", "--yes", "--skip-preview"]);
    assert.equal(destroy.code, 0, destroy.output);
    assert.match(destroy.output, /NOT cancelled/);
    assert.equal(await orders(), 1, "destroy orders nothing");
  });

  it("installed: a wrong client secret is one message, with no stack trace or dump of the error", async function () {
    await mustRun(
      "pulumi",
      ["config", "set", "--stack", "dev", "--secret", "yeastar:clientSecret", "--", "wrong"],
      project,
      env,
    );
    try {
      const r = await pulumi(["preview"]);
      assert.notEqual(r.code, 0, r.output);
      const diagnostics = r.output.slice(r.output.indexOf("Diagnostics:"));
      assert.equal(diagnostics.split('code "invalid_client"').length - 1, 1, r.output);
      assert.doesNotMatch(r.output, /\.(ts|js):\d+:\d+\)?$/m, "no stack frames");
      assert.doesNotMatch(r.output, /ApiError: /);
    } finally {
      await mustRun(
        "pulumi",
        ["config", "set", "--stack", "dev", "--secret", "yeastar:clientSecret", "--", CANARY_SECRET],
        project,
        env,
      );
    }
  });

  it("import --program from the installed package: the program installs the same tarball, offline", async function () {
    const r = await run(
      path.join(project, "node_modules", ".bin", "yeastar-pseries"),
      ["import", "--billing-contact", "ap@acme.example", "--program", "fleet"],
      project,
      {
        ...process.env,
        YEASTAR_BASE_URL: sandboxUrl,
        YEASTAR_CLIENT_ID: "sandbox-client",
        YEASTAR_CLIENT_SECRET: CANARY_SECRET,
      },
    );
    assert.equal(r.code, 0, r.output);
    assert.ok(!r.output.includes(CANARY_SECRET));
    const fleet = path.join(project, "fleet");
    const pkg = JSON.parse(fs.readFileSync(path.join(fleet, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    const spec = pkg.dependencies["pulumi-yeastar-pseries"];
    assert.match(spec, /^file:.*\.tgz$/, "the tarball the project was installed from, not a registry name");
    assert.equal(path.resolve(fleet, spec.slice("file:".length)), tarball);
    // --offline: a registry name that is not in the cache (an unpublished package) fails the install.
    await mustRun("npm", ["install", "--offline", "--no-audit", "--no-fund", "--loglevel=error"], fleet);
    const installed = path.join(fleet, "node_modules", "pulumi-yeastar-pseries");
    assert.ok(!fs.lstatSync(installed).isSymbolicLink(), "installed from the tarball, not linked");
    assert.equal(
      (JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8")) as { version: string }).version,
      repoVersion(),
    );
    await mustRun(path.join(fleet, "node_modules", ".bin", "tsc"), ["--noEmit", "-p", "."], fleet);
  });

  function repoVersion(): string {
    return (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version: string }).version;
  }

  it("without the optional fastify, the sandbox bin says what is missing", async function () {
    const fastify = path.join(project, "node_modules", "fastify");
    fs.renameSync(fastify, `${fastify}.away`);
    try {
      const r = await run(path.join(project, "node_modules", ".bin", "yeastar-sandbox"), ["--port", "0"], project);
      assert.equal(r.code, 3, r.output);
      assert.match(r.output, /needs the package `fastify`, an optional dependency.*`npm install fastify@\^5`/);
    } finally {
      fs.renameSync(`${fastify}.away`, fastify);
    }
  });
});
