/**
 * The Node.js version the docs and package.json promise is the one the installed @pulumi/pulumi declares: a
 * program that uses this package loads @pulumi/pulumi, so the package needs at least what the SDK needs. A lower
 * version may be named only as what a clone's scripts start from, next to the sentence saying they set up the
 * required Node.js themselves (scripts/setup.sh).
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../../helpers/pulumi";

/** The lowest major version a `>=N[.x.y]` range allows; fails on any other form (then this test needs a look). */
function minMajor(range: string, what: string): number {
  const m = /^>=\s*(\d+)(?:\.\d+){0,2}$/.exec(range.trim());
  assert.ok(m, `${what}: expected a ">=N" range, got ${JSON.stringify(range)}`);
  return Number(m[1]);
}

function readJson(file: string): { engines?: { node?: string } } {
  return JSON.parse(fs.readFileSync(file, "utf8")) as { engines?: { node?: string } };
}

const sdkRange = readJson(path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi", "package.json")).engines?.node;
const ownRange = readJson(path.join(REPO_ROOT, "package.json")).engines?.node;

function readmes(): string[] {
  const examples = fs
    .readdirSync(path.join(REPO_ROOT, "examples"), { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(REPO_ROOT, "examples", e.name, "README.md")))
    .map((e) => path.join("examples", e.name, "README.md"));
  const docs = fs
    .readdirSync(path.join(REPO_ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => path.join("docs", f));
  return ["README.md", ...docs, ...examples];
}

/** Every "Node.js >= N", "Node.js (>= N)" or "node >= N" with its paragraph. */
function statedVersions(text: string): Array<{ version: number; paragraph: string; line: number }> {
  const found: Array<{ version: number; paragraph: string; line: number }> = [];
  const re = /\bnode(?:\.js)?\s*\(?\s*>=\s*(\d+)/gi;
  for (const m of text.matchAll(re)) {
    const at = m.index ?? 0;
    const start = text.lastIndexOf("\n\n", at);
    const end = text.indexOf("\n\n", at);
    found.push({
      version: Number(m[1]),
      paragraph: text.slice(start < 0 ? 0 : start, end < 0 ? text.length : end),
      line: text.slice(0, at).split("\n").length,
    });
  }
  return found;
}

describe("docs: the Node.js requirement is the one @pulumi/pulumi declares", function () {
  const required = minMajor(sdkRange ?? "", "node_modules/@pulumi/pulumi/package.json engines.node");

  it("package.json engines.node allows no older Node.js than the installed @pulumi/pulumi", function () {
    assert.ok(ownRange, "package.json has engines.node");
    assert.equal(
      minMajor(ownRange, "package.json engines.node"),
      required,
      `package.json says node ${ownRange}; @pulumi/pulumi says ${sdkRange}`,
    );
  });

  for (const doc of ["README.md", "docs/installation.md"]) {
    it(`${doc} states that requirement for programs that use the package`, function () {
      const stated = statedVersions(fs.readFileSync(path.join(REPO_ROOT, doc), "utf8")).map((s) => s.version);
      assert.ok(stated.includes(required), `${doc} names Node.js >= ${required} (found: ${stated})`);
    });
  }

  it("no README or docs page names an older Node.js, except as what a clone's scripts start from", function () {
    const wrong: string[] = [];
    for (const doc of readmes()) {
      const text = fs.readFileSync(path.join(REPO_ROOT, doc), "utf8");
      for (const s of statedVersions(text)) {
        if (s.version >= required) continue;
        // The paragraph says the scripts set up a Node.js the SDK accepts (24 when the machine's has a known bug).
        const setUp = /sets up Node\.js (\d+)\b/.exec(s.paragraph);
        const bootstrap = setUp !== null && Number(setUp[1]) >= required;
        if (!bootstrap) wrong.push(`${doc}:${s.line}: Node.js >= ${s.version}`);
      }
    }
    assert.deepEqual(wrong, [], `@pulumi/pulumi needs node ${sdkRange}`);
  });
});
