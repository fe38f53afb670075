import * as assert from "assert";

import { unknownCheckingProxy } from "@pulumi/policy";

import { policies } from "../../../policy/src/policies";
import {
  DEFAULT_PRODUCTION_STACKS,
  isProductionStack,
  renewalRequired,
  stackOfUrn,
} from "../../../policy/src/renewal-required";
import {
  UNKNOWN_STRING,
  assertHasResourceViolation,
  assertNoResourceViolations,
  createResourceValidationArgs,
  pbxProps,
  reconciledConfig,
  runResourcePolicy,
} from "./util";

/** The engine's marker for a boolean the policy runtime hands a policy during preview. */
const UNKNOWN_BOOLEAN = "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7";

describe("policy: yeastar-renewal-required", () => {
  const policy = renewalRequired;
  const on = { required: true };
  const prod = { stack: "prod" };

  it("is in the pack, off by default: reports nothing without required: true, even in production", async () => {
    assert.ok(policies.includes(policy));
    // The switch is a setting, not the level: "all": "mandatory" in an existing config cannot turn it on.
    assert.strictEqual(policy.enforcementLevel, undefined);
    await assertNoResourceViolations(policy, pbxProps(), {}, prod);
    await assertNoResourceViolations(policy, pbxProps(), "raw", prod);
    await assertNoResourceViolations(policy, pbxProps(), { required: false }, { stack: "production" });
  });

  it("enabled, in a production stack, reports a PBX with neither autoRenew nor renewThrough: names it and the fix", async () => {
    const v = await assertHasResourceViolation(
      policy,
      pbxProps({ subdomain: "acme-hq" }),
      [
        'PBX "hq" (subdomain "acme-hq") in production stack "prod" declares no renewal',
        "autoRenew is not set; renewThrough is not set",
        "Fix: set autoRenew: true",
        'renewThrough: "YYYY-MM-DD"',
        '"exemptResourceNames" of policy "yeastar-renewal-required"',
        'Production stacks: "prod", "production"',
      ],
      on,
      prod,
    );
    assert.doesNotMatch(v.message, /undefined/);
    await assertHasResourceViolation(policy, pbxProps(), ['stack "production"'], on, { stack: "production" });
  });

  it("reports autoRenew false, empty values, and a renewThrough that is no date, saying which", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ autoRenew: false }, "autoRenew is false; renewThrough is not set"],
      [{ autoRenew: null, renewThrough: "" }, "autoRenew is not set; renewThrough is not set"],
      [{ autoRenew: "true" }, 'autoRenew is "true", not true'],
      [{ renewThrough: "next year" }, 'renewThrough "next year" is not a date written YYYY-MM-DD'],
      [{ renewThrough: "2028-02-30" }, 'renewThrough "2028-02-30" is not a date'],
      [{ trial: false }, "declares no renewal"],
    ];
    for (const [overrides, fragment] of cases) {
      await assertHasResourceViolation(policy, pbxProps(overrides), [fragment], on, prod);
    }
  });

  it("passes autoRenew: true, a renewThrough date, and a trial", async () => {
    await assertNoResourceViolations(policy, pbxProps({ autoRenew: true }), on, prod);
    await assertNoResourceViolations(policy, pbxProps({ renewThrough: "2028-12-31" }), on, prod);
    await assertNoResourceViolations(policy, pbxProps({ autoRenew: false, renewThrough: "2028-12-31" }), on, prod);
    await assertNoResourceViolations(policy, pbxProps({ trial: true }), on, prod);
  });

  it("does not count a value not known yet in a preview as missing (pulumi up judges it known)", async () => {
    await assertNoResourceViolations(policy, pbxProps({ renewThrough: UNKNOWN_STRING }), on, prod);
    await assertNoResourceViolations(policy, pbxProps({ autoRenew: UNKNOWN_BOOLEAN }), on, prod);
    await assertNoResourceViolations(policy, pbxProps({ trial: UNKNOWN_BOOLEAN }), on, prod);
    // Through the runtime's proxy, which throws on an unknown value instead of returning it.
    const proxied = unknownCheckingProxy({ ...pbxProps(), renewThrough: UNKNOWN_STRING });
    assert.deepStrictEqual(await runResourcePolicy(policy, proxied, on, prod), []);
    // An unknown value of another field does not hide a missing renewal.
    const other = unknownCheckingProxy({ ...pbxProps(), subdomain: UNKNOWN_STRING });
    const [v, ...rest] = await runResourcePolicy(policy, other, on, prod);
    assert.deepStrictEqual(rest, []);
    assert.match(v.message, /^PBX "hq" in production stack "prod" declares no renewal/);
  });

  it("ignores non-production stacks; productionStacks replaces the default, case-insensitively", async () => {
    await assertNoResourceViolations(policy, pbxProps(), on, { stack: "dev" });
    await assertNoResourceViolations(policy, pbxProps(), on, { stack: "prod-eu" });
    const live = { required: true, productionStacks: ["live", "prod-eu"] };
    await assertHasResourceViolation(
      policy,
      pbxProps(),
      ['stack "Live"', 'Production stacks: "live", "prod-eu"'],
      live,
      {
        stack: "Live",
      },
    );
    await assertHasResourceViolation(policy, pbxProps(), ['stack "prod-eu"'], live, { stack: "prod-eu" });
    await assertNoResourceViolations(policy, pbxProps(), live, prod);
    await assertHasResourceViolation(policy, pbxProps(), ['stack "PROD"'], on, { stack: "PROD" });
  });

  it("exempts listed resource names and ignores Customer resources", async () => {
    await assertNoResourceViolations(policy, pbxProps(), { required: true, exemptResourceNames: ["hq"] }, prod);
    await assertHasResourceViolation(
      policy,
      pbxProps(),
      ['PBX "branch"'],
      { required: true, exemptResourceNames: ["hq"] },
      {
        ...prod,
        name: "branch",
      },
    );
    await assertNoResourceViolations(policy, { email: "a@b.example" }, on, {
      ...prod,
      type: "pulumi-nodejs:dynamic/yeastar:Customer",
    });
  });

  it("reports a PBX whose URN names no stack rather than passing it", async () => {
    const args = createResourceValidationArgs(pbxProps(), reconciledConfig(policy, on), prod);
    const messages: string[] = [];
    const validate = policy.validateResource;
    assert.ok(typeof validate === "function");
    await Promise.resolve(validate({ ...args, urn: "not-a-urn" }, (m) => messages.push(m)));
    assert.strictEqual(messages.length, 1);
    assert.match(messages[0], /cannot tell whether it is in a production stack/);
  });

  it("reads the stack from a URN and refuses org- or project-qualified names in the schema", () => {
    assert.strictEqual(
      stackOfUrn("urn:pulumi:prod::yeastar-demo::pulumi-nodejs:dynamic/yeastar:PSeriesCloudPbx::hq"),
      "prod",
    );
    assert.strictEqual(stackOfUrn("urn:pulumi:::p::t::n"), undefined);
    assert.ok(isProductionStack("Production", DEFAULT_PRODUCTION_STACKS));
    assert.ok(!isProductionStack("preprod", DEFAULT_PRODUCTION_STACKS));
    const items = policy.configSchema?.properties?.productionStacks?.items as { pattern: string };
    const re = new RegExp(items.pattern);
    assert.ok(re.test("prod") && !re.test("acme/prod") && !re.test("acme/app/prod"));
    assert.deepStrictEqual(policy.configSchema?.properties?.productionStacks?.default, ["prod", "production"]);
  });
});
