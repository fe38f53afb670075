import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

import { PBX_TYPE } from "../../../provider/api/contract";
import { PBX_TYPES, isCustomerType } from "../../../policy/src/pbx";
import { PACK_NAME, policies, resourcePolicies, stackPolicies } from "../../../policy/src/policies";

const policyDir = path.resolve(__dirname, "../../../../policy");

describe("policy: pack layout", () => {
  it("has the documented policies, each once", () => {
    assert.deepStrictEqual(
      policies.map((p) => p.name),
      [
        "yeastar-allowed-plans",
        "yeastar-allowed-regions",
        "yeastar-allowed-billing-cycles",
        "yeastar-max-extensions-per-pbx",
        "yeastar-subdomain-pattern",
        "yeastar-protect-required",
        "yeastar-no-repurchase",
        "yeastar-owner-required",
        "yeastar-renewal-required",
        "yeastar-stack-budget",
        "yeastar-money-budget",
      ],
    );
    assert.strictEqual(policies.length, resourcePolicies.length + stackPolicies.length);
  });

  it("matches the token dynamic.Resource registers for module yeastar, type PSeriesCloudPbx", () => {
    // The SDK builds `pulumi-nodejs:dynamic/<module>:<type>`; a real preview shows this token.
    assert.strictEqual(PBX_TYPE, "pulumi-nodejs:dynamic/yeastar:PSeriesCloudPbx");
    assert.ok(PBX_TYPES.includes("pulumi-nodejs:yeastar:PSeriesCloudPbx"));
    assert.ok(PBX_TYPES.includes("yeastar:index:PSeriesCloudPbx"), "the native plugin's PBXs too");
    assert.ok(!PBX_TYPES.some(isCustomerType), "a Customer is no PBX: no PBX policy judges it");
    assert.ok(isCustomerType("pulumi-nodejs:dynamic/yeastar:Customer") && isCustomerType("yeastar:index:Customer"));
  });

  it("leaves the enforcement level to the pack default and its config, but the money budget's, mandatory", () => {
    // @pulumi/policy takes a policy's own level when the config names none for it: a cap written down blocks.
    for (const p of policies) {
      assert.strictEqual(p.enforcementLevel, p.name === "yeastar-money-budget" ? "mandatory" : undefined, p.name);
    }
  });

  it("makes every policy configurable, with a default for each setting but those whose unset means no limit", () => {
    const unsetMeansNoLimit = new Set(["allowedRegions", "maxPerPbx", "maxPerStack"]);
    for (const p of policies) {
      assert.ok(p.description, `${p.name} has a description`);
      const properties = p.configSchema?.properties;
      assert.ok(properties && Object.keys(properties).length > 0, `${p.name} has a configSchema`);
      // The policy runtime refuses to start if a schema declares enforcementLevel itself.
      assert.ok(!("enforcementLevel" in properties), p.name);
      for (const [key, schema] of Object.entries(properties)) {
        assert.ok(schema.description, `${p.name}.${key} has a description`);
        if (!unsetMeansNoLimit.has(key)) {
          assert.notStrictEqual(schema.default, undefined, `${p.name}.${key} has a default`);
        }
      }
    }
  });

  it("names the pack as the README and the shim expect", () => {
    assert.strictEqual(PACK_NAME, "yeastar-guardrails");
    assert.match(
      fs.readFileSync(path.join(policyDir, "index.js"), "utf8"),
      /require\("\.\.\/dist\/policy\/src\/index\.js"\)/,
    );
    assert.match(fs.readFileSync(path.join(policyDir, "PulumiPolicy.yaml"), "utf8"), /^runtime: nodejs$/m);
    // PolicyPack reads the version from package.json in the directory the CLI runs the pack in.
    const pkg = JSON.parse(fs.readFileSync(path.join(policyDir, "package.json"), "utf8")) as { version?: string };
    assert.ok(pkg.version);
  });
});
