/**
 * Rules of the source tree that a reader relies on (docs/architecture.md, "Layers" and "Built paths"): files a
 * reader can hold, the built paths users' states name, the command-line tools above the library, no import cycles.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../../..");
const MAX_LINES = 400;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(rel));
    else if (/\.ts$/.test(entry.name) && !/\.d\.ts$/.test(entry.name)) out.push(rel);
  }
  return out;
}

const SOURCE_DIRS = ["provider", "policy/src", "sandbox", "scripts"];
const sources = SOURCE_DIRS.flatMap(sourceFiles);

/** The repository-relative modules a file imports or requires by a relative path (type imports included). */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), "utf8");
  const specs = [...text.matchAll(/(?:from\s+|require\(|import\()\s*"(\.{1,2}\/[^"]+)"/g)].map((m) => m[1]);
  return specs.map((spec) => {
    const base = path.join(path.dirname(file), spec);
    for (const candidate of [`${base}.ts`, path.join(base, "index.ts")]) {
      if (fs.existsSync(path.join(ROOT, candidate))) return candidate;
    }
    return base;
  });
}

describe("structure of the source tree", function () {
  it(`has no source file over ${MAX_LINES} lines in ${SOURCE_DIRS.join(", ")} (tests excepted)`, function () {
    assert.ok(sources.length > 50, `found only ${sources.length} source files under ${ROOT}`);
    const long = sources
      .map((f) => ({ f, lines: fs.readFileSync(path.join(ROOT, f), "utf8").split("\n").length - 1 }))
      .filter((x) => x.lines > MAX_LINES)
      .map((x) => `${x.f}: ${x.lines} lines`);
    assert.deepEqual(long, [], `split these files (docs/architecture.md, "Layers"): ${long.join("; ")}`);
  });

  it("keeps the built paths users' states name: dist/provider/pbx/provider.js and engine.js", function () {
    // An installed package's state stores `require("pulumi-yeastar-pseries/dist/provider/pbx/provider.js")`, and
    // that provider loads the engine by its built path: moving either breaks every existing stack.
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
      name: string;
      files: string[];
    };
    assert.equal(pkg.name, "pulumi-yeastar-pseries");
    assert.ok(pkg.files.includes("dist/provider"), "dist/provider is in the package");
    for (const [source, built] of [
      ["provider/pbx/provider.ts", "dist/provider/pbx/provider.js"],
      ["provider/pbx/engine.ts", "dist/provider/pbx/engine.js"],
    ]) {
      assert.ok(fs.existsSync(path.join(ROOT, source)), `${source} exists`);
      assert.ok(fs.existsSync(path.join(ROOT, built)), `${built} is built`);
    }
    const providerText = fs.readFileSync(path.join(ROOT, "provider/pbx/provider.ts"), "utf8");
    assert.match(providerText, /"pulumi-yeastar-pseries\/dist\/provider\/pbx\/engine"/);
    assert.match(providerText, /^export = pbxProvider;$/m, "the module's exports are the provider object");
    const provider = require(path.join(ROOT, "dist/provider/pbx/provider.js")) as Record<string, unknown>;
    for (const method of ["configure", "check", "diff", "create", "update", "read", "delete"]) {
      assert.equal(typeof provider[method], "function", `provider.js exports ${method}`);
    }
    const engine = require(path.join(ROOT, "dist/provider/pbx/engine.js")) as Record<string, unknown>;
    for (const fn of ["configure", "check", "diffWithPortal", "create", "update", "read", "remove"]) {
      assert.equal(typeof engine[fn], "function", `engine.js exports ${fn}`);
    }
  });

  it("keeps the command-line tools above the library: nothing outside provider/cli imports it", function () {
    const CLI = `${path.join("provider", "cli")}${path.sep}`;
    const upward = sources
      .filter((f) => !f.startsWith(CLI))
      .flatMap((f) => importsOf(f).map((to) => [f, to]))
      .filter(([, to]) => to.startsWith(CLI))
      .map(([f, to]) => `${f} -> ${to}`);
    assert.deepEqual(upward, []);
  });

  it("keeps provider/api below everything: it imports only itself", function () {
    const api = `${path.join("provider", "api")}${path.sep}`;
    const out = sources
      .filter((f) => f.startsWith(api))
      .flatMap((f) => importsOf(f).map((to) => [f, to]))
      .filter(([, to]) => !to.startsWith(api))
      .map(([f, to]) => `${f} -> ${to}`);
    assert.deepEqual(out, []);
  });

  it("has no import cycle among the provider's modules (type imports included)", function () {
    const files = sources.filter((f) => f.startsWith(`provider${path.sep}`));
    const graph = new Map(files.map((f) => [f, importsOf(f).filter((to) => to.startsWith(`provider${path.sep}`))]));
    const cycles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const visit = (f: string, trail: string[]) => {
      if (state.get(f) === "done") return;
      if (state.get(f) === "open") {
        cycles.push([...trail.slice(trail.indexOf(f)), f].join(" -> "));
        return;
      }
      state.set(f, "open");
      for (const to of graph.get(f) ?? []) visit(to, [...trail, f]);
      state.set(f, "done");
    };
    for (const f of files) visit(f, []);
    assert.deepEqual(cycles, []);
  });
});
