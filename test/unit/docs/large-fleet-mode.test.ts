/**
 * The ways of running fleets that the repository teaches run in the CLI's large-fleet mode
 * (PULUMI_SKIP_CHECKPOINTS=true; docs/performance.md, "Large fleets"), each with the reason where it is set: the two CI recipes,
 * the script they share (run here with a fake `pulumi` that records the environment it got) and the fleet example.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { shellBlocks } from "../../helpers/markdown";
import { REPO_ROOT } from "../../helpers/pulumi";

const read = (file: string) => fs.readFileSync(path.join(REPO_ROOT, file), "utf8");

/** The comment lines right above a line, joined. */
function commentAbove(text: string, line: RegExp): string {
  const lines = text.split("\n");
  const at = lines.findIndex((l) => line.test(l));
  assert.ok(at >= 0, `no line matches ${line}`);
  const comments: string[] = [];
  for (let i = at - 1; i >= 0 && /^\s*#/.test(lines[i]); i--) comments.unshift(lines[i]);
  return comments.join("\n");
}

describe("large-fleet mode in the CI recipes, their script and the fleet example", function () {
  for (const [file, block] of [
    ["examples/ci/github-actions.yml", "env"],
    ["examples/ci/gitlab-ci.yml", "variables"],
  ]) {
    it(`${file} sets PULUMI_SKIP_CHECKPOINTS=true for every job, saying why`, function () {
      const text = read(file);
      // Top-level block (no indentation), the variable one level in.
      const top = new RegExp(`^${block}:\\n((?:(?: {2}.*)?\\n)*)`, "m").exec(text);
      assert.ok(top, `${file} has a top-level ${block}: block`);
      assert.match(top[1], /^ {2}PULUMI_SKIP_CHECKPOINTS: "true"$/m);
      const why = commentAbove(text, /^ {2}PULUMI_SKIP_CHECKPOINTS: "true"$/);
      assert.match(why, /Large fleets/);
      assert.match(why, /square/);
    });
  }

  describe("examples/ci/pbx-pipeline.sh", function () {
    let tmp: string;
    let calls: string;
    before(function () {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), "yeastar-pipeline-"));
      fs.mkdirSync(path.join(tmp, "bin"));
      calls = path.join(tmp, "pulumi-calls.log");
      fs.writeFileSync(
        path.join(tmp, "bin", "pulumi"),
        `#!/bin/sh\necho "PULUMI_SKIP_CHECKPOINTS=\${PULUMI_SKIP_CHECKPOINTS-unset} $1" >> "${calls}"\nexit 0\n`,
        { mode: 0o755 },
      );
    });
    after(function () {
      if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    });

    function deploy(env: Record<string, string | undefined>) {
      fs.rmSync(calls, { force: true });
      const base: NodeJS.ProcessEnv = { ...process.env };
      delete base.PULUMI_SKIP_CHECKPOINTS;
      const r = spawnSync("sh", [path.join(REPO_ROOT, "examples", "ci", "pbx-pipeline.sh"), "deploy"], {
        cwd: tmp,
        env: {
          ...base,
          PATH: `${path.join(tmp, "bin")}${path.delimiter}${process.env.PATH}`,
          PULUMI_STACK: "prod",
          ...env,
        },
        encoding: "utf8",
      });
      assert.equal(r.status, 0, r.stderr);
      return fs.readFileSync(calls, "utf8").trim().split("\n");
    }

    it("runs every pulumi command in large-fleet mode when the job did not set it", function () {
      const lines = deploy({});
      assert.ok(lines.length >= 2, `pulumi up and the drift gate ran: ${lines}`);
      assert.deepEqual(
        lines.filter((l) => !l.startsWith("PULUMI_SKIP_CHECKPOINTS=true ")),
        [],
      );
    });

    it("keeps the job's own PULUMI_SKIP_CHECKPOINTS", function () {
      const lines = deploy({ PULUMI_SKIP_CHECKPOINTS: "false" });
      assert.deepEqual(
        lines.filter((l) => !l.startsWith("PULUMI_SKIP_CHECKPOINTS=false ")),
        [],
      );
    });

    it("says why where it sets it", function () {
      const why = commentAbove(read("examples/ci/pbx-pipeline.sh"), /^PULUMI_SKIP_CHECKPOINTS=/);
      assert.match(why, /Large fleets/);
      assert.match(why, /square/);
    });
  });

  it("examples/fleet/README.md exports it before its first preview or up, and says why", function () {
    const md = read("examples/fleet/README.md");
    const commands = shellBlocks(md, "examples/fleet/README.md")
      .filter((b) => b.marker !== "skip")
      .flatMap((b) => b.code.split("\n"))
      .map((l) => l.replace(/\s+#.*$/, "").trim());
    const mode = commands.indexOf("export PULUMI_SKIP_CHECKPOINTS=true");
    const first = commands.findIndex((l) => /^pulumi (preview|up)\b/.test(l));
    assert.ok(mode >= 0, "the README exports PULUMI_SKIP_CHECKPOINTS=true");
    assert.ok(first > mode, "before the first pulumi preview or up");
    assert.match(md, /`PULUMI_SKIP_CHECKPOINTS=true` is the CLI's large-fleet mode[^]*square of the fleet/);
  });
});
