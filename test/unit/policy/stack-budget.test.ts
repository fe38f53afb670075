import * as assert from "assert";

import { unknownCheckingProxy } from "@pulumi/policy";

import { stackBudget } from "../../../policy/src/policies";
import {
  StackResource,
  UNKNOWN_STRING,
  assertHasStackViolation,
  assertNoStackViolations,
  pbxProps,
  runStackPolicy,
} from "./util";

/** A stack of PBXs named pbx0, pbx1, ... with the given extensions and no high availability unless listed. */
function stackOf(extensions: unknown[], highAvailability: unknown[] = []): StackResource[] {
  return extensions.map((n, i) => ({
    name: `pbx${i}`,
    props: pbxProps({ subdomain: `pbx${i}`, extensions: n, highAvailability: highAvailability[i] ?? false }),
  }));
}

describe("policy: yeastar-stack-budget", () => {
  const policy = stackBudget;

  it("passes a stack within both limits", async () => {
    await assertNoStackViolations(policy, stackOf([500, 500, 500, 500], [true, true]));
  });

  it("passes with the code defaults when the runtime sends no config", async () => {
    await assertNoStackViolations(policy, stackOf([500, 500, 500, 500]), "raw");
    await assertHasStackViolation(policy, stackOf([500, 500, 500, 500, 100]), ["2100 extensions"], "raw");
  });

  it("passes an empty stack and ignores resources of other types", async () => {
    await assertNoStackViolations(policy, []);
    await assertNoStackViolations(policy, [
      { name: "bucket", type: "aws:s3/bucket:Bucket", props: { extensions: 99999 } },
    ]);
  });

  it("reports a total above 2000, naming the total, each PBX, the limit and the config key", async () => {
    const violation = await assertHasStackViolation(policy, stackOf([500, 500, 500, 500, 100]), [
      "2100 extensions in total",
      "pbx0: 500",
      "pbx4: 100",
      "more than the allowed 2000",
      '"maxTotalExtensions" of policy "yeastar-stack-budget"',
    ]);
    assert.strictEqual(violation.urn, undefined, "the stack as a whole is in violation");
  });

  it("follows maxTotalExtensions from the config", async () => {
    const config = { maxTotalExtensions: 150 };
    await assertNoStackViolations(policy, stackOf([100, 50]), config);
    await assertHasStackViolation(policy, stackOf([100, 51]), ["151 extensions", "allowed 150"], config);
  });

  it("reports more than 10 PBXs with high availability, naming them, the limit and the config key", async () => {
    const eleven = stackOf(Array(11).fill(5), Array(11).fill(true));
    await assertNoStackViolations(policy, eleven.slice(0, 10));
    await assertHasStackViolation(policy, eleven, [
      "11 PBXs with highAvailability: true",
      "pbx0, pbx1",
      "pbx10",
      "more than the allowed 10",
      '"maxHighAvailabilityPbxs" of policy "yeastar-stack-budget"',
    ]);
  });

  it("follows maxHighAvailabilityPbxs from the config", async () => {
    const config = { maxHighAvailabilityPbxs: 0 };
    await assertNoStackViolations(policy, stackOf([10, 10]), config);
    await assertHasStackViolation(policy, stackOf([10, 10], [false, true]), ["1 PBXs", "(pbx1)", "allowed 0"], config);
  });

  it("reports both limits when both are exceeded", async () => {
    const violations = await runStackPolicy(policy, stackOf([100, 100], [true, true]), {
      maxTotalExtensions: 100,
      maxHighAvailabilityPbxs: 1,
    });
    assert.strictEqual(violations.length, 2, JSON.stringify(violations));
  });

  it("skips unknown extensions and unknown high availability", async () => {
    const config = { maxTotalExtensions: 100, maxHighAvailabilityPbxs: 0 };
    await assertNoStackViolations(
      policy,
      stackOf([100, undefined, UNKNOWN_STRING], [undefined, UNKNOWN_STRING]),
      config,
    );
  });

  it("says how many PBXs were not counted when the known ones already exceed the limit", async () => {
    await assertHasStackViolation(
      policy,
      stackOf([101, UNKNOWN_STRING]),
      ["101 extensions", "1 PBX(s) whose extensions are not known yet were not counted"],
      {
        maxTotalExtensions: 100,
      },
    );
  });

  it("does not throw on props behind the runtime's unknown-checking proxy", async () => {
    const resources = stackOf([100, 100]).map((r) => ({
      ...r,
      props: unknownCheckingProxy({ ...r.props, extensions: UNKNOWN_STRING, highAvailability: UNKNOWN_STRING }),
    }));
    const violations = await runStackPolicy(policy, resources, { maxTotalExtensions: 5, maxHighAvailabilityPbxs: 0 });
    assert.deepStrictEqual(violations, []);
  });
});
