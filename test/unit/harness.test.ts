/** How `npm test` runs: every end-to-end file exactly once, longest first, and a failed part fails the whole. */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../helpers/pulumi";

describe("npm test: the end-to-end file list and the parallel runner", function () {
  it("the e2e config lists every end-to-end file once, the long ones first", function () {
    const config = require(path.join(REPO_ROOT, ".mocharc.e2e.cjs")) as { spec: string[]; jobs: number };
    const sources = fs
      .readdirSync(path.join(REPO_ROOT, "test", "e2e"))
      .filter((f) => f.endsWith(".test.ts"))
      .map((f) => path.join("dist", "test", "e2e", f.replace(/\.ts$/, ".js")))
      .sort();
    assert.deepEqual([...config.spec].sort(), sources);
    assert.equal(new Set(config.spec).size, config.spec.length, "a file listed twice runs twice");
    assert.deepEqual(config.spec.slice(0, 3), [
      path.join("dist", "test", "e2e", "docs.test.js"),
      path.join("dist", "test", "e2e", "ci-recipe.test.js"),
      path.join("dist", "test", "e2e", "chaos.test.js"),
    ]);
  });

  it("the runner fails when any script fails, names it, and prints every script's output", function () {
    this.timeout(60_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "yeastar-run-parallel-"));
    try {
      fs.writeFileSync(
        path.join(dir, "package.json"),
        JSON.stringify({
          scripts: { streamed: "echo streamed-out", broken: "echo broken-out && exit 3", fine: "echo fine-out" },
        }),
      );
      const runner = path.join(REPO_ROOT, "dist", "scripts", "run-parallel.js");
      const r = spawnSync(process.execPath, [runner, "streamed", "broken", "fine"], { cwd: dir, encoding: "utf8" });
      const output = r.stdout + r.stderr;
      assert.equal(r.status, 1, output);
      for (const text of ["streamed-out", "broken-out", "fine-out"]) assert.match(output, new RegExp(text));
      assert.match(output, /failed: npm run broken \(exit 3\)/);
      assert.match(output, /passed {2}npm run fine/);

      const ok = spawnSync(process.execPath, [runner, "streamed", "fine"], { cwd: dir, encoding: "utf8" });
      assert.equal(ok.status, 0, ok.stdout + ok.stderr);
      const none = spawnSync(process.execPath, [runner], { cwd: dir, encoding: "utf8" });
      assert.equal(none.status, 2, "no script given is an error, not a pass");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
