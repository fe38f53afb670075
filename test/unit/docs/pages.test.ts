/**
 * The README is a first page and the reference lives in docs/ (issue #32): the README stays short and starts with
 * the two commands a fresh clone runs, every relative link of the README and of docs/*.md leads to a file and a
 * heading that exist, every docs page is linked from the README, and no paragraph stands in two places. Each
 * checker is a pure function, tried first on a small sample it must reject, then on the repository's files.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { shellBlocks } from "../../helpers/markdown";
import { REPO_ROOT } from "../../helpers/pulumi";

const MAX_README_LINES = 300;
const MIN_PARAGRAPH = 160;

const read = (file: string) => fs.readFileSync(path.join(REPO_ROOT, file), "utf8");

function docsPages(): string[] {
  return fs
    .readdirSync(path.join(REPO_ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => `docs/${f}`);
}

function exampleReadmes(): string[] {
  return fs
    .readdirSync(path.join(REPO_ROOT, "examples"), { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(REPO_ROOT, "examples", e.name, "README.md")))
    .map((e) => `examples/${e.name}/README.md`)
    .sort();
}

/** The lines of a Markdown text outside fenced code blocks (fenced lines become empty, so numbering holds). */
function outsideFences(markdown: string): string[] {
  let fence: string | undefined;
  return markdown.split("\n").map((line) => {
    const m = /^\s*(`{3,}|~{3,})/.exec(line);
    if (m) {
      if (fence === undefined) fence = m[1];
      else if (m[1][0] === fence[0] && m[1].length >= fence.length) fence = undefined;
      return "";
    }
    return fence === undefined ? line : "";
  });
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

/** Every anchor a Markdown text has: one per heading, a repeated one with -1, -2, ... as GitHub numbers them. */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of outsideFences(markdown)) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const s = slug(m[1]);
    const n = seen.get(s) ?? 0;
    seen.set(s, n + 1);
    out.add(n === 0 ? s : `${s}-${n}`);
  }
  return out;
}

/** The relative link targets of a Markdown text, with their lines (code spans and fenced code left out). */
export function relativeLinks(markdown: string): Array<{ target: string; line: number }> {
  const links: Array<{ target: string; line: number }> = [];
  outsideFences(markdown).forEach((raw, i) => {
    const line = raw.replace(/`[^`]*`/g, "");
    for (const m of line.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(m[1])) continue; // https:, mailto:
      links.push({ target: m[1], line: i + 1 });
    }
  });
  return links;
}

/** The links of `file` (repository-relative) that lead nowhere: a missing file, or a missing heading. */
export function brokenLinks(file: string, markdown: string, readFile: (f: string) => string | undefined): string[] {
  const broken: string[] = [];
  for (const { target, line } of relativeLinks(markdown)) {
    const [p, anchor] = target.split("#", 2);
    const to = p === "" ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), p));
    const text = p === "" ? markdown : readFile(to);
    if (text === undefined) {
      broken.push(`${file}:${line}: ${target}: no file ${to}`);
    } else if (anchor !== undefined && to.endsWith(".md") && !anchors(text).has(anchor)) {
      broken.push(`${file}:${line}: ${target}: no heading #${anchor} in ${to}`);
    }
  }
  return broken;
}

/** Paragraphs (blocks between blank lines, outside fenced code) of at least `min` characters, whitespace folded. */
export function longParagraphs(markdown: string, min = MIN_PARAGRAPH): string[] {
  return outsideFences(markdown)
    .join("\n")
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s+/g, " ").trim())
    .filter((p) => p.length >= min);
}

/** Each long paragraph found in more than one of `files`, with the files. */
export function repeatedParagraphs(files: Record<string, string>): string[] {
  const where = new Map<string, Set<string>>();
  for (const [file, text] of Object.entries(files)) {
    for (const p of longParagraphs(text)) where.set(p, (where.get(p) ?? new Set()).add(file));
  }
  return [...where].filter(([, fs]) => fs.size > 1).map(([p, fs]) => `${[...fs].join(", ")}: ${p.slice(0, 100)}...`);
}

/** The first command lines of a Markdown text's first shell block, comments dropped. */
export function firstCommands(markdown: string, n: number): string[] {
  const [first] = shellBlocks(markdown);
  if (!first) return [];
  return first.code
    .split("\n")
    .map((l) => l.replace(/\s+#.*$/, "").trim())
    .filter((l) => l !== "" && !l.startsWith("#"))
    .slice(0, n);
}

/** Repository-relative paths the README links to (anchors dropped, normalized). */
function linkedFrom(file: string, markdown: string): Set<string> {
  return new Set(
    relativeLinks(markdown).map(({ target }) =>
      path.posix.normalize(path.posix.join(path.posix.dirname(file), target.split("#")[0] || file)),
    ),
  );
}

function readIfExists(file: string): string | undefined {
  const full = path.join(REPO_ROOT, file);
  if (!fs.existsSync(full)) return undefined;
  return fs.statSync(full).isDirectory() ? "" : fs.readFileSync(full, "utf8");
}

describe("docs: the README is a first page, the reference is in docs/", function () {
  const readme = read("README.md");

  it(`README.md has at most ${MAX_README_LINES} lines`, function () {
    const lines = (text: string) => text.replace(/\n$/, "").split("\n").length;
    assert.ok(lines("x\n".repeat(MAX_README_LINES + 1)) > MAX_README_LINES, "the count sees a long text");
    assert.ok(lines(readme) <= MAX_README_LINES, `README.md has ${lines(readme)} lines`);
  });

  it("the README's first shell commands are `npm run demo` and `npm test`", function () {
    assert.notDeepEqual(firstCommands("```sh\nnpm ci\nnpm test\n```\n", 2), ["npm run demo", "npm test"]);
    assert.deepEqual(firstCommands(readme, 2), ["npm run demo", "npm test"]);
  });

  it("GitHub's anchors: punctuation dropped, repeats numbered", function () {
    assert.equal(
      slug("`the stack is currently locked by 1 lock(s)`: when `pulumi cancel` is safe"),
      "the-stack-is-currently-locked-by-1-locks-when-pulumi-cancel-is-safe",
    );
    assert.equal(
      slug("Large fleets: a reseller's whole fleet in one stack"),
      "large-fleets-a-resellers-whole-fleet-in-one-stack",
    );
    assert.deepEqual([...anchors("# A\n## A\n```sh\n# not a heading\n```\n## B\n")], ["a", "a-1", "b"]);
  });

  it("every relative link of README.md and docs/*.md leads to a file and, with an #anchor, to a heading", function () {
    const sample = "[ok](#a) [no](#b) [file](missing.md) [there](docs/x.md#top) [not there](docs/x.md#nope)\n\n# A\n";
    const files: Record<string, string> = { "docs/x.md": "# Top\n" };
    assert.deepEqual(
      brokenLinks("README.md", sample, (f) => files[f]).map((b) => b.replace(/^README\.md:\d+: /, "")),
      [
        "#b: no heading #b in README.md",
        "missing.md: no file missing.md",
        "docs/x.md#nope: no heading #nope in docs/x.md",
      ],
    );
    const broken = ["README.md", ...docsPages()].flatMap((f) => brokenLinks(f, read(f), readIfExists));
    assert.deepEqual(broken, []);
  });

  it("every docs/*.md is linked from the README", function () {
    assert.ok(!linkedFrom("README.md", "[a](docs/a.md)").has("docs/b.md"), "an unlinked page is seen");
    const linked = linkedFrom("README.md", readme);
    assert.deepEqual(
      docsPages().filter((p) => !linked.has(p)),
      [],
    );
  });

  it(`no paragraph of ${MIN_PARAGRAPH} characters or more stands in two of the README, docs, policy and example READMEs`, function () {
    const long = "word ".repeat(40);
    assert.equal(repeatedParagraphs({ "a.md": `x\n\n${long}\n`, "b.md": `${long}\n\ny\n` }).length, 1);
    assert.equal(
      repeatedParagraphs({ "a.md": "```sh\n" + long + "\n```\n", "b.md": "```sh\n" + long + "\n```\n" }).length,
      0,
    );
    const files = ["README.md", ...docsPages(), "policy/README.md", ...exampleReadmes()];
    assert.deepEqual(repeatedParagraphs(Object.fromEntries(files.map((f) => [f, read(f)]))), []);
  });
});
