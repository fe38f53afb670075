/**
 * Runs Pulumi programs with the real `pulumi` CLI, fully offline: a private PULUMI_HOME, a file:// backend in a
 * temp dir, passphrase secrets, no update check and no plugin downloads. The CLI must be on PATH (the npm
 * scripts put it there through scripts/setup.sh); a missing CLI fails the test, it never skips it. Shared by the
 * tests (test/helpers/pulumi.ts re-exports it) and the scripts (bench, chaos).
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { processesMarkedBy, type ProcessInfo } from "./processes";

export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");
const WORK_ROOT = path.join(REPO_ROOT, ".e2e-tmp");

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr together, for assertions on what the user sees. */
  output: string;
  /** Parsed stdout when --json was given and it parsed. */
  json?: unknown;
  ms: number;
}

export interface ProjectOptions {
  /** Project name (also the config namespace for plain keys). */
  name: string;
  /** Absolute path of the compiled program module to run (or use `sourceDir`). */
  program?: string;
  /** A whole Pulumi project (e.g. an example) to copy and run as is, with this package linked in. */
  sourceDir?: string;
  /** Stack config; values under `secrets` are set with --secret. */
  config?: Record<string, string>;
  secrets?: Record<string, string>;
  /** Extra environment for every CLI call (e.g. YEASTAR_* variables). */
  env?: Record<string, string | undefined>;
  stack?: string;
  /** Node.js flags for the program only (Pulumi.yaml `runtime.options.nodeargs`); with `program` only. */
  nodeargs?: string;
}

export function requirePulumiCli(): string {
  const r = spawnSync("pulumi", ["version"], { encoding: "utf8" });
  if (r.error || r.status !== 0) {
    throw new Error(
      "the pulumi CLI is not on PATH; run the tests through `npm test` (scripts/setup.sh builds or finds it)",
    );
  }
  return r.stdout.trim();
}

export class PulumiProject {
  readonly dir: string;
  readonly stack: string;
  readonly env: NodeJS.ProcessEnv;
  private readonly tmp: string;

  private constructor(opts: ProjectOptions) {
    fs.mkdirSync(WORK_ROOT, { recursive: true });
    // The project lives inside the repository so Node finds @pulumi/pulumi (and the dynamic-provider plugin
    // script finds its module) through the repository's node_modules.
    this.dir = fs.mkdtempSync(path.join(WORK_ROOT, `${opts.name}-`));
    this.tmp = fs.mkdtempSync(path.join(os.tmpdir(), "yeastar-e2e-"));
    this.stack = opts.stack ?? "dev";
    const backend = path.join(this.tmp, "state");
    fs.mkdirSync(backend);
    fs.mkdirSync(path.join(this.tmp, "home"));
    this.env = {
      ...process.env,
      PULUMI_HOME: path.join(this.tmp, "home"),
      PULUMI_BACKEND_URL: `file://${backend}`,
      PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_SKIP_CONFIRMATIONS: "true",
      PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
      NO_COLOR: "1",
      ...opts.env,
    };
    if (opts.sourceDir) {
      fs.cpSync(opts.sourceDir, this.dir, {
        recursive: true,
        filter: (src) => !src.includes(`${path.sep}node_modules`) && !/Pulumi\.[^/]+\.yaml$/.test(src),
      });
      // As if `npm install` had put this package into the example's node_modules.
      fs.mkdirSync(path.join(this.dir, "node_modules"), { recursive: true });
      fs.symlinkSync(REPO_ROOT, path.join(this.dir, "node_modules", "pulumi-yeastar-pseries"), "dir");
    } else {
      fs.writeFileSync(
        path.join(this.dir, "Pulumi.yaml"),
        `name: ${opts.name}\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n` +
          (opts.nodeargs ? `    nodeargs: ${JSON.stringify(opts.nodeargs)}\n` : "") +
          `main: index.js\n`,
      );
      fs.writeFileSync(path.join(this.dir, "index.js"), `module.exports = require(${JSON.stringify(opts.program)});\n`);
    }
  }

  static async create(opts: ProjectOptions): Promise<PulumiProject> {
    requirePulumiCli();
    const p = new PulumiProject(opts);
    await p.mustRun(["stack", "init"]);
    // One CLI call for all of it: each call costs the CLI's start-up time.
    const pairs = [
      ...Object.entries(opts.config ?? {}).flatMap(([k, v]) => ["--plaintext", `${k}=${v}`]),
      ...Object.entries(opts.secrets ?? {}).flatMap(([k, v]) => ["--secret", `${k}=${v}`]),
    ];
    if (pairs.length > 0) await p.mustRun(["config", "set-all", ...pairs]);
    return p;
  }

  async setConfig(key: string, value: string, secret = false): Promise<void> {
    await this.mustRun(["config", "set", ...(secret ? ["--secret"] : []), key, "--", value]);
  }

  /** Runs `pulumi <args>` in the project; resolves with whatever happened (never rejects on exit code). */
  run(args: string[], opts: { env?: Record<string, string | undefined>; onSpawn?: (pid: number) => void } = {}) {
    const started = Date.now();
    return new Promise<RunResult>((resolve, reject) => {
      // Our flags go before any `--`, after which everything is a positional value.
      const cut = args.indexOf("--") >= 0 ? args.indexOf("--") : args.length;
      const full = [...args.slice(0, cut), "--non-interactive", "--stack", this.stack, ...args.slice(cut)];
      const child = spawn("pulumi", full, {
        cwd: this.dir,
        env: { ...this.env, ...opts.env },
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.on("error", reject);
      if (child.pid && opts.onSpawn) opts.onSpawn(child.pid);
      child.on("close", (code, signal) => {
        let json: unknown;
        if (args.includes("--json")) {
          try {
            json = JSON.parse(stdout);
          } catch {
            json = undefined;
          }
        }
        resolve({ code, signal, stdout, stderr, output: stdout + stderr, json, ms: Date.now() - started });
      });
    });
  }

  async mustRun(args: string[], env?: Record<string, string | undefined>): Promise<RunResult> {
    const r = await this.run(args, { env });
    if (r.code !== 0) {
      throw new Error(`pulumi ${args.join(" ")} exited ${r.code}:\n${r.output}`);
    }
    return r;
  }

  preview(extra: string[] = [], env?: Record<string, string | undefined>) {
    return this.run(["preview", "--diff", ...extra], { env });
  }
  up(extra: string[] = [], env?: Record<string, string | undefined>) {
    return this.run(["up", "--yes", "--skip-preview", ...extra], { env });
  }
  refresh(extra: string[] = [], env?: Record<string, string | undefined>) {
    return this.run(["refresh", "--yes", "--skip-preview", ...extra], { env });
  }
  destroy(extra: string[] = [], env?: Record<string, string | undefined>) {
    return this.run(["destroy", "--yes", "--skip-preview", ...extra], { env });
  }

  async outputs(): Promise<Record<string, unknown>> {
    const r = await this.mustRun(["stack", "output", "--json", "--show-secrets"]);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  }

  /**
   * What a user does after "failed to load checkpoint: EOF" (the CLI killed while it wrote the file backend's
   * state; docs/troubleshooting.md): put the backend's previous checkpoint (`<stack>.json.bak`) back. True when a
   * checkpoint that did not parse was replaced; the state is then behind the portal, which the provider reconciles.
   */
  restoreCheckpointBackup(): boolean {
    const stacks = path.join(this.tmp, "state", ".pulumi", "stacks");
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : []) {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) walk(full);
        else if (e.name === `${this.stack}.json`) found.push(full);
      }
    };
    walk(stacks);
    const parses = (file: string) => {
      try {
        JSON.parse(fs.readFileSync(file, "utf8"));
        return true;
      } catch {
        return false;
      }
    };
    let restored = false;
    for (const file of found) {
      // The backend keeps each file's metadata in a `.attrs` file beside it; a kill can tear either one (an empty
      // `.attrs` reads as "EOF"). Without its `.attrs` a file is read as it is.
      if (fs.existsSync(`${file}.attrs`) && !parses(`${file}.attrs`)) {
        fs.rmSync(`${file}.attrs`);
        restored = true;
      }
      if (!parses(file) && fs.existsSync(`${file}.bak`) && parses(`${file}.bak`)) {
        fs.copyFileSync(`${file}.bak`, file);
        fs.rmSync(`${file}.attrs`, { force: true });
        restored = true;
      }
    }
    return restored;
  }

  /** The exported stack state (deployment JSON) as text and parsed. */
  async exportState(): Promise<{ text: string; resources: Array<Record<string, unknown>> }> {
    const r = await this.mustRun(["stack", "export"]);
    const parsed = JSON.parse(r.stdout) as { deployment?: { resources?: Array<Record<string, unknown>> } };
    return { text: r.stdout, resources: parsed.deployment?.resources ?? [] };
  }

  /** Resources of a type in the exported state. */
  async resourcesOfType(type: string) {
    const { resources } = await this.exportState();
    return resources.filter((r) => r.type === type);
  }

  /** Everything a run can leave behind that a secret must never appear in. */
  async everything(): Promise<string> {
    const state = await this.exportState();
    const files = listFiles(this.tmp).concat(listFiles(this.dir));
    const texts = files.map((f) => {
      try {
        return fs.readFileSync(f, "utf8");
      } catch {
        return "";
      }
    });
    return [state.text, ...texts].join("\n");
  }

  /**
   * Processes of this project still running: the CLI, and the plugins it started, each in a process group of its
   * own, so killing the CLI's group (as a test does to simulate a crash) leaves the language host, the program and
   * the dynamic provider running until they are killed here.
   */
  processes(): ProcessInfo[] {
    return processesMarkedBy([this.dir, String(this.env.PULUMI_HOME)], this.dir);
  }

  /** Kills whatever of this project is still running (after a test killed the CLI); returns what it killed. */
  killLeftovers(): ProcessInfo[] {
    const left = this.processes();
    for (const p of left) {
      try {
        process.kill(p.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    return left;
  }

  cleanup(): void {
    this.killLeftovers();
    fs.rmSync(this.dir, { recursive: true, force: true });
    fs.rmSync(this.tmp, { recursive: true, force: true });
  }
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(p));
    else if (entry.isFile()) out.push(p);
  }
  return out;
}

/** Counts the resource changes in `pulumi preview --json` output by operation. */
export function previewSteps(json: unknown): Record<string, number> {
  const counts: Record<string, number> = {};
  const steps = (json as { steps?: Array<{ op: string; urn: string }> })?.steps ?? [];
  for (const s of steps) {
    if (s.urn.includes("pulumi:pulumi:Stack")) continue;
    counts[s.op] = (counts[s.op] ?? 0) + 1;
  }
  return counts;
}
