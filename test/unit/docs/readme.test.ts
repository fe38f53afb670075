/**
 * What the docs must say where a user looks for it: checks on the text of given sections of the docs/ files the
 * README sends a reader to, so advice that money depends on cannot be dropped or moved away from where it is needed.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { shellBlocks } from "../../helpers/markdown";

const read = (file: string) => fs.readFileSync(path.resolve(__dirname, "..", "..", "..", "..", file), "utf8");
const PURCHASE_REVIEW = read("docs/purchase-review.md");
const TROUBLESHOOTING = read("docs/troubleshooting.md");
const MONEY = read("docs/money.md");
const INSTALLATION = read("docs/installation.md");

/** The text of the section under the heading `title` (any level), up to the next heading of that level or higher. */
export function section(markdown: string, title: string): string {
  const lines = markdown.split("\n");
  let inFence = false;
  const headings: Array<{ at: number; level: number; text: string }> = [];
  lines.forEach((line, at) => {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const m = inFence ? null : /^(#{1,6}) (.*)$/.exec(line);
    if (m) headings.push({ at, level: m[1].length, text: m[2].trim() });
  });
  const i = headings.findIndex((h) => h.text === title);
  assert.ok(i >= 0, `a section "${title}"`);
  const end = headings.slice(i + 1).find((h) => h.level <= headings[i].level);
  return lines.slice(headings[i].at + 1, end ? end.at : lines.length).join("\n");
}

describe("docs: when `pulumi cancel` is safe", function () {
  it("the CI section says no pipeline step runs it, and how deployments wait instead", function () {
    const ci = section(PURCHASE_REVIEW, "In CI");
    assert.match(ci, /never answer it with `pulumi cancel`/);
    assert.match(ci, /may be placing orders/);
    assert.match(ci, /`cancel-in-progress: false`/);
    assert.match(ci, /`resource_group`/);
    assert.match(ci, /\[Troubleshooting\]\(troubleshooting\.md\)/);
  });

  it("Troubleshooting quotes the lock error and says when cancel is safe, when not, and what to run after", function () {
    const lock = section(TROUBLESHOOTING, "`the stack is currently locked by 1 lock(s)`: when `pulumi cancel` is safe");
    assert.ok(
      lock.includes(
        "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.",
      ),
    );
    assert.match(lock, /Do not run `pulumi cancel` while that run may still be running/);
    assert.match(lock, /`pulumi cancel` is safe once the run that holds the lock has ended/);
    assert.match(lock, /`ps -p <pid>`/);
    assert.match(lock, /in CI, the\s+job that ran it is finished, cancelled or timed out/);
    assert.match(lock, /`pulumi refresh --clear-pending-creates --yes`/);
    assert.ok(section(TROUBLESHOOTING, "Troubleshooting").includes(lock));
  });

  it("Money safety sends a killed run to the right commands, not to an interactive question", function () {
    const money = section(MONEY, "Money safety");
    assert.doesNotMatch(money, /answer its question/);
    assert.match(money, /`pulumi refresh --clear-pending-creates --yes`/);
    assert.match(money, /when `pulumi cancel` is safe/);
  });
});

describe("docs/installation.md sets up a brand-new Pulumi project", function () {
  it("a block the docs test runs writes Pulumi.yaml with main, logs in, sets the passphrase, inits a stack and previews", function () {
    const install = section(INSTALLATION, "Installation");
    const blocks = shellBlocks(install, "docs/installation.md").filter((b) => b.marker === undefined);
    const project = blocks.find((b) => b.code.includes("Pulumi.yaml"));
    assert.ok(project, "a shell block, not skipped, creates the Pulumi project");
    for (const step of [
      /npm pkg set main=index\.ts/, // npm init -y leaves "index.js": DEP0128 on every run
      /runtime: nodejs\nmain: index\.ts/,
      /pulumi login "file:\/\//,
      /export PULUMI_CONFIG_PASSPHRASE=/,
      /pulumi stack init dev/,
      /pulumi config set --secret yeastar:clientSecret/,
      /pulumi preview/,
    ]) {
      assert.match(project.code, step);
    }
    assert.match(install, /DEP0128/, "the prose says why main is set");
  });
});
