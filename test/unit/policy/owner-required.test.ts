import * as assert from "assert";

import { unknownCheckingProxy } from "@pulumi/policy";

import { ownerRequired } from "../../../policy/src/owner-required";
import {
  UNKNOWN_STRING,
  assertHasResourceViolation,
  assertNoResourceViolations,
  pbxProps,
  runResourcePolicy,
} from "./util";

describe("policy: yeastar-owner-required", () => {
  const policy = ownerRequired;

  it("reports nothing by default", async () => {
    await assertNoResourceViolations(policy, pbxProps());
  });

  it("with required: true, reports a PBX without an owner, naming it and the fix", async () => {
    await assertHasResourceViolation(
      policy,
      pbxProps({ subdomain: "acme-hq" }),
      ['PBX "hq" (subdomain "acme-hq")', "owner is not set", "owner: customer.partnerId", '"exemptResourceNames"'],
      { required: true },
    );
    await assertHasResourceViolation(policy, pbxProps({ owner: "" }), ["owner is not set"], { required: true });
  });

  it("passes an owner, an owner not known yet (a Customer created in the same update), and exempt names", async () => {
    await assertNoResourceViolations(policy, pbxProps({ owner: "it@customer-one.example" }), { required: true });
    await assertNoResourceViolations(policy, pbxProps({ owner: UNKNOWN_STRING }), { required: true });
    const proxied = unknownCheckingProxy({ ...pbxProps(), owner: UNKNOWN_STRING });
    assert.deepStrictEqual(await runResourcePolicy(policy, proxied, { required: true }), []);
    await assertNoResourceViolations(policy, pbxProps(), { required: true, exemptResourceNames: ["hq"] });
  });

  it("ignores Customer resources", async () => {
    await assertNoResourceViolations(
      policy,
      { email: "a@b.example" },
      { required: true },
      {
        type: "pulumi-nodejs:dynamic/yeastar:Customer",
      },
    );
  });
});
