/**
 * Rules of the source tree that a reader relies on (docs/architecture.md, "Layers" and "Built paths"): files a
 * reader can hold, the built paths users' states name, the layers (runtime/ below the resources, customer/ off the
 * PBX, the command-line tools above the library), one import path per name, type tokens only in the contract,
 * clear base names, no import cycles. Each rule is also run on a made-up tree it must reject.
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

const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");
const onDisk = (file: string) => fs.existsSync(path.join(ROOT, file));

/** The repository-relative modules a file imports or requires by a relative path (type imports included). */
function importsOf(file: string, text = read(file), exists: (f: string) => boolean = onDisk): string[] {
  const specs = [...text.matchAll(/(?:from\s+|require\(|import\()\s*"(\.{1,2}\/[^"]+)"/g)].map((m) => m[1]);
  return specs.map((spec) => {
    const base = path.join(path.dirname(file), spec);
    for (const candidate of [`${base}.ts`, path.join(base, "index.ts")]) {
      if (exists(candidate)) return candidate;
    }
    return base;
  });
}

const dir = (...parts: string[]) => `${path.join(...parts)}${path.sep}`;

/**
 * The layers below the resources (docs/architecture.md, "Layers"): `customer/` is not the PBX, and `runtime/` is
 * what every resource shares, so it imports no resource, no plugin and no command.
 */
const LAYER_RULES: ReadonlyArray<{ from: string; never: string[]; except?: string[] }> = [
  { from: dir("provider", "customer"), never: [dir("provider", "pbx")] },
  // An extension is configured through the PBX's own API: it needs no part of the PBX's purchase engine.
  { from: dir("provider", "extension"), never: [dir("provider", "pbx"), dir("provider", "customer")] },
  // So is an inbound route; it shares what the PBX-configuration kinds share through runtime/, not another kind.
  {
    from: dir("provider", "inbound-route"),
    never: [dir("provider", "pbx"), dir("provider", "customer"), dir("provider", "extension")],
  },
  // The plugin serves the PBX too, through its engine's entry points, and through nothing else of pbx/.
  {
    from: dir("provider", "native"),
    never: [dir("provider", "pbx")],
    except: [path.join("provider", "pbx", "engine.ts")],
  },
  {
    from: dir("provider", "runtime"),
    never: [dir("provider", "pbx"), dir("provider", "customer"), dir("provider", "native"), dir("provider", "cli")],
  },
];

/** Every import that breaks a layer rule, as "from -> to". */
function layerViolations(files: readonly string[], imports: (f: string) => string[]): string[] {
  return files.flatMap((f) =>
    LAYER_RULES.filter((rule) => f.startsWith(rule.from)).flatMap((rule) =>
      imports(f)
        .filter((to) => rule.never.some((d) => to.startsWith(d)) && !rule.except?.includes(to))
        .map((to) => `${f} -> ${to}`),
    ),
  );
}

/**
 * The only files that may re-export: the package's public entry, and the sandbox's (`dist/sandbox`, the
 * `yeastar-sandbox` tests and users start). (A thin shim kept at a built path users' states
 * name would be listed here, with the reason in its header; none is needed today, docs/architecture.md "Built
 * paths users' states name".)
 */
const RE_EXPORTERS = new Set([path.join("provider", "index.ts"), path.join("sandbox", "index.ts")]);

/** The re-exports in one file's text: `export ... from`, `export *`, and `export { x }` of an imported name. */
function reExportsIn(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const found = [...code.matchAll(/export\s+(?:type\s+)?(?:\*(?:\s+as\s+\w+)?|\{[^}]*\})\s*from\s*"[^"]+"/g)].map((m) =>
    m[0].replace(/\s+/g, " "),
  );
  const imported = new Set(
    [...code.matchAll(/import\s+(?:type\s+)?(?:\*\s+as\s+(\w+)|\{([^}]*)\}|(\w+))/g)].flatMap((m) =>
      m[1] || m[3]
        ? [m[1] ?? m[3]]
        : m[2].split(",").map((n) =>
            n
              .replace(/^\s*type\s+/, "")
              .split(/\s+as\s+/)
              .pop()!
              .trim(),
          ),
    ),
  );
  for (const m of code.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}\s*;/g)) {
    const names = m[1].split(",").map((n) =>
      n
        .replace(/^\s*type\s+/, "")
        .split(/\s+as\s+/)[0]
        .trim(),
    );
    if (names.some((n) => imported.has(n))) found.push(m[0].replace(/\s+/g, " "));
  }
  return found;
}

/** Where a type token may be spelled: the contract, which builds every token from the package and type names. */
const CONTRACT = path.join("provider", "api", "contract.ts");
const TOKEN = /(?:pulumi-nodejs:(?:dynamic\/)?yeastar:|yeastar:index:)\w/;

/** Type tokens spelled in code (comments aside) outside the contract. */
function tokensIn(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
  return code.split("\n").filter((line) => TOKEN.test(line));
}

/**
 * Base names more than one folder of provider/ may use, because they mean the same thing in each: one resource
 * type's engine, serialized provider, resource class and inputs (engine.ts and provider.ts are also built paths
 * users' states name), and a process's entry point (main.ts: the CLI, the native plugin).
 */
const SHARED_BASE_NAMES = new Set(["engine.ts", "provider.ts", "resource.ts", "inputs.ts", "main.ts"]);

/** Base names used by two or more files of provider/ that are not in SHARED_BASE_NAMES. */
function duplicateBaseNames(files: readonly string[]): string[] {
  const byName = new Map<string, string[]>();
  for (const f of files) byName.set(path.basename(f), [...(byName.get(path.basename(f)) ?? []), f]);
  return [...byName]
    .filter(([name, where]) => where.length > 1 && !SHARED_BASE_NAMES.has(name))
    .map(([, where]) => where.join(", "));
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
      ["provider/customer/provider.ts", "dist/provider/customer/provider.js"],
      ["provider/customer/engine.ts", "dist/provider/customer/engine.js"],
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

  it("keeps customer/ off the PBX, native/ on the PBX engine only, and runtime/ below every resource, plugin and command", function () {
    const files = sources.filter((f) => f.startsWith(dir("provider")));
    assert.ok(
      files.some((f) => f.startsWith(dir("provider", "runtime"))),
      "provider/runtime exists",
    );
    assert.deepEqual(
      layerViolations(files, (f) => importsOf(f)),
      [],
    );
    // The rule can fail: a customer module that imports a PBX module, a runtime module that imports the CLI.
    const fake = new Map([
      [path.join("provider", "customer", "x.ts"), 'import { a } from "../pbx/inputs";'],
      [path.join("provider", "runtime", "y.ts"), 'import type { b } from "../cli/usage";\nimport { c } from "./z";'],
      [path.join("provider", "pbx", "inputs.ts"), ""],
      [path.join("provider", "cli", "usage.ts"), ""],
      [path.join("provider", "runtime", "z.ts"), ""],
      [
        path.join("provider", "native", "w.ts"),
        'import * as e from "../pbx/engine";\nimport { s } from "../pbx/state";',
      ],
      [path.join("provider", "pbx", "engine.ts"), ""],
      [path.join("provider", "pbx", "state.ts"), ""],
    ]);
    const fakeImports = (f: string) => importsOf(f, fake.get(f) ?? "", (c) => fake.has(c));
    assert.deepEqual(layerViolations([...fake.keys()], fakeImports), [
      `${path.join("provider", "customer", "x.ts")} -> ${path.join("provider", "pbx", "inputs.ts")}`,
      `${path.join("provider", "runtime", "y.ts")} -> ${path.join("provider", "cli", "usage.ts")}`,
      `${path.join("provider", "native", "w.ts")} -> ${path.join("provider", "pbx", "state.ts")}`,
    ]);
  });

  it("gives every shared name one import path: no re-exports outside the public entries", function () {
    const found = sources
      .filter((f) => !RE_EXPORTERS.has(f))
      .flatMap((f) => reExportsIn(read(f)).map((r) => `${f}: ${r}`));
    assert.deepEqual(found, []);
    assert.ok(reExportsIn(read(path.join("provider", "index.ts"))).length > 0, "the public entry re-exports");
    // The rule can fail: each form of a re-export is found, a local export is not.
    assert.deepEqual(
      reExportsIn(
        [
          'import { a, type B } from "./m";',
          "const own = 1;",
          'export { x } from "./m";',
          'export type {\n  Y,\n} from "./m";',
          'export * from "./m";',
          "export { a };",
          "export { own };",
          '// export { z } from "./m";',
        ].join("\n"),
      ),
      ['export { x } from "./m"', 'export type { Y, } from "./m"', 'export * from "./m"', "export { a };"],
    );
  });

  it("spells no type token outside the contract (provider/api/contract.ts)", function () {
    const found = sources
      .filter((f) => f !== CONTRACT)
      .flatMap((f) => tokensIn(read(f)).map((l) => `${f}: ${l.trim()}`));
    assert.deepEqual(found, []);
    // The rule can fail: a token in code is found, one in a comment is not.
    assert.equal(tokensIn('const t = "yeastar:index:PSeriesCloudPbx";\n// yeastar:index:Customer').length, 1);
    assert.equal(tokensIn("const t = `pulumi-nodejs:dynamic/yeastar:Customer`;").length, 1);
  });

  it("gives no two files of provider/ one base name unless it means the same in each", function () {
    const files = sources.filter((f) => f.startsWith(dir("provider")));
    assert.deepEqual(duplicateBaseNames(files), []);
    // The rule can fail.
    assert.deepEqual(duplicateBaseNames(["provider/cli/plan.ts", "provider/pbx/plan.ts", "provider/pbx/engine.ts"]), [
      "provider/cli/plan.ts, provider/pbx/plan.ts",
    ]);
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
