/**
 * Without `@pulumi/policy` in the project the pack says what is missing and the install command, in one line,
 * instead of Node's "Cannot find module" with a require stack (policy/src/runtime.ts).
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { INSTALL_COMMAND, runtimeProblem } from "../../../policy/src/runtime";
import { packWithoutPolicyRuntime } from "../../helpers/policy-pack";

const notFound = (id: string): string => {
  throw Object.assign(new Error(`Cannot find module '${id}'`), { code: "MODULE_NOT_FOUND" });
};

describe("policy: a project without @pulumi/policy", function () {
  it("names the missing package and the install command", function () {
    const problem = runtimeProblem(notFound);
    assert.match(problem ?? "", /cannot start: the package @pulumi\/policy is not installed/);
    assert.ok(problem?.endsWith(": npm install --save-dev @pulumi/policy"), problem);
    assert.equal(INSTALL_COMMAND, "npm install --save-dev @pulumi/policy");
  });

  it("is no problem when it resolves; another error is not hidden", function () {
    assert.equal(
      runtimeProblem((id) => `/x/node_modules/${id}/index.js`),
      undefined,
    );
    const broken = () => {
      throw Object.assign(new Error("EACCES: permission denied"), { code: "EACCES" });
    };
    assert.throws(() => runtimeProblem(broken), /EACCES/);
  });

  it("docs/purchase-review.md says to install it for --policy-pack, with the command", function () {
    const doc = fs.readFileSync(path.resolve(__dirname, "..", "..", "..", "..", "docs", "purchase-review.md"), "utf8");
    const section = doc.slice(doc.indexOf("# Reviewing purchases"), doc.indexOf("## In CI"));
    assert.ok(section.length > 100, "no Reviewing purchases section");
    assert.match(section, /--policy-pack/);
    assert.ok(section.includes(INSTALL_COMMAND), "the section does not give the install command");
    assert.match(
      section,
      /policy pack yeastar-guardrails cannot start: the package\s+@pulumi\/policy is not installed/,
    );
  });

  it("the pack's entry point, installed without it, prints that one line and exits 1 (no require stack)", function () {
    const pack = packWithoutPolicyRuntime();
    try {
      const r = spawnSync(process.execPath, [path.join(pack.dir, "index.js")], { encoding: "utf8" });
      assert.equal(r.status, 1, r.stderr);
      assert.equal(
        r.stderr,
        "policy pack yeastar-guardrails cannot start: the package @pulumi/policy is not installed. The pack runs on it; install it in the Pulumi project that runs the preview (next to pulumi-yeastar-pseries): npm install --save-dev @pulumi/policy\n",
      );
      assert.doesNotMatch(r.stderr, /Require stack|Cannot find module/);
      assert.equal(r.stdout, "");
    } finally {
      pack.cleanup();
    }
  });
});
