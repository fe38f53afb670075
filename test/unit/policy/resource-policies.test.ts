import * as assert from "assert";

import { unknownCheckingProxy } from "@pulumi/policy";

import {
  DEFAULT_SUBDOMAIN_PATTERN,
  allowedBillingCycles,
  allowedPlans,
  allowedRegions,
  maxExtensionsPerPbx,
  noRepurchase,
  protectRequired,
  resourcePolicies,
  subdomainPattern,
} from "../../../policy/src/policies";
import {
  UNKNOWN_STRING,
  assertHasResourceViolation,
  assertNoResourceViolations,
  pbxProps,
  runResourcePolicy,
} from "./util";

describe("policy: resource policies (common behaviour)", () => {
  for (const policy of resourcePolicies) {
    describe(policy.name, () => {
      it("passes a valid, protected PBX with the default config", async () => {
        await assertNoResourceViolations(policy, pbxProps());
      });

      it("passes the same PBX when the runtime sends no config (code defaults match schema defaults)", async () => {
        await assertNoResourceViolations(policy, pbxProps(), "raw");
      });

      it("also applies to the token without dynamic/", async () => {
        const violations = await runResourcePolicy(
          policy,
          pbxProps({ plan: "basic", extensions: 9999, subdomain: "NOT OK", allowRepurchase: true, region: "Mars" }),
          { allowedRegions: ["Europe"], allowedBillingCycles: ["monthly"], required: true },
          { type: "pulumi-nodejs:yeastar:PSeriesCloudPbx", protect: false, stack: "prod" },
        );
        assert.strictEqual(violations.length, 1, JSON.stringify(violations));
      });

      it("ignores resources of other types", async () => {
        const bad = pbxProps({ plan: "basic", extensions: 9999, subdomain: "NOT OK", allowRepurchase: true });
        await assertNoResourceViolations(policy, bad, {}, { type: "aws:s3/bucket:Bucket", protect: false });
      });

      it("does not throw or report when every input is unknown behind the runtime's proxy", async () => {
        const unknowns: Record<string, unknown> = {};
        for (const key of Object.keys(pbxProps())) {
          unknowns[key] = UNKNOWN_STRING;
        }
        unknowns.allowRepurchase = UNKNOWN_STRING;
        const strict = {
          allowedPlans: ["enterprise"],
          allowedRegions: ["Asia"],
          allowedBillingCycles: ["monthly"],
          maxExtensions: 5,
          pattern: "^x$",
        };
        const violations = await runResourcePolicy(policy, unknownCheckingProxy(unknowns), strict);
        assert.deepStrictEqual(violations, []);
      });
    });
  }
});

describe("policy: yeastar-allowed-plans", () => {
  const policy = allowedPlans;

  it("allows both plans by default", async () => {
    await assertNoResourceViolations(policy, pbxProps({ plan: "enterprise" }));
    await assertNoResourceViolations(policy, pbxProps({ plan: "ultimate" }));
  });

  it("reports a plan outside the list, naming the value, the allowed plans and the config key", async () => {
    await assertHasResourceViolation(policy, pbxProps({ plan: "basic" }), [
      'PBX "hq" (subdomain "acme-hq")',
      'plan "basic" is not allowed',
      'allowed: "enterprise", "ultimate"',
      '"allowedPlans" of policy "yeastar-allowed-plans"',
    ]);
  });

  it("compares exactly, as the provider does", async () => {
    await assertHasResourceViolation(policy, pbxProps({ plan: "Enterprise" }), ['plan "Enterprise"']);
  });

  it("follows allowedPlans from the config", async () => {
    const config = { allowedPlans: ["enterprise"] };
    await assertNoResourceViolations(policy, pbxProps({ plan: "enterprise" }), config);
    await assertHasResourceViolation(
      policy,
      pbxProps({ plan: "ultimate" }),
      ['plan "ultimate"', 'allowed: "enterprise"'],
      config,
    );
  });

  it("does not judge an unknown plan", async () => {
    const config = { allowedPlans: ["enterprise"] };
    await assertNoResourceViolations(policy, pbxProps({ plan: undefined }), config);
    await assertNoResourceViolations(policy, pbxProps({ plan: UNKNOWN_STRING }), config);
  });
});

describe("policy: yeastar-allowed-regions", () => {
  const policy = allowedRegions;

  it("allows any region by default", async () => {
    await assertNoResourceViolations(policy, pbxProps({ region: "Antarctica" }));
    await assertNoResourceViolations(policy, pbxProps({ region: "41" }));
  });

  it("reports a region outside allowedRegions, naming the value, the list and the config key", async () => {
    await assertHasResourceViolation(
      policy,
      pbxProps({ region: "Asia" }),
      ['region "Asia" is not allowed', 'allowed: "Europe"', '"allowedRegions" of policy "yeastar-allowed-regions"'],
      { allowedRegions: ["Europe"] },
    );
  });

  it("matches names case-insensitively and ids exactly as written", async () => {
    const config = { allowedRegions: ["Europe", "41"] };
    await assertNoResourceViolations(policy, pbxProps({ region: "europe" }), config);
    await assertNoResourceViolations(policy, pbxProps({ region: " EUROPE " }), config);
    await assertNoResourceViolations(policy, pbxProps({ region: "41" }), config);
    await assertHasResourceViolation(policy, pbxProps({ region: "42" }), ['region "42"'], config);
  });

  it("does not judge an unknown region", async () => {
    const config = { allowedRegions: ["Europe"] };
    await assertNoResourceViolations(policy, pbxProps({ region: undefined }), config);
    await assertNoResourceViolations(policy, pbxProps({ region: UNKNOWN_STRING }), config);
  });
});

describe("policy: yeastar-allowed-billing-cycles", () => {
  const policy = allowedBillingCycles;

  it("allows both cycles by default", async () => {
    await assertNoResourceViolations(policy, pbxProps({ billingCycle: "monthly" }));
    await assertNoResourceViolations(policy, pbxProps({ billingCycle: "annually" }));
  });

  it("reports a cycle outside the list, naming the value, the allowed cycles and the config key", async () => {
    await assertHasResourceViolation(policy, pbxProps({ billingCycle: "weekly" }), [
      'billingCycle "weekly" is not allowed',
      'allowed: "monthly", "annually"',
      '"allowedBillingCycles" of policy "yeastar-allowed-billing-cycles"',
    ]);
  });

  it("follows allowedBillingCycles from the config", async () => {
    const config = { allowedBillingCycles: ["annually"] };
    await assertNoResourceViolations(policy, pbxProps({ billingCycle: "annually" }), config);
    await assertHasResourceViolation(
      policy,
      pbxProps({ billingCycle: "monthly" }),
      ['billingCycle "monthly"', 'allowed: "annually"'],
      config,
    );
  });

  it("does not judge an unknown cycle", async () => {
    const config = { allowedBillingCycles: ["annually"] };
    await assertNoResourceViolations(policy, pbxProps({ billingCycle: undefined }), config);
    await assertNoResourceViolations(policy, pbxProps({ billingCycle: UNKNOWN_STRING }), config);
  });
});

describe("policy: yeastar-max-extensions-per-pbx", () => {
  const policy = maxExtensionsPerPbx;

  it("allows up to the product maximum of 500 by default", async () => {
    await assertNoResourceViolations(policy, pbxProps({ extensions: 500 }));
  });

  it("reports more than the limit, naming the value, the range and the config key", async () => {
    await assertHasResourceViolation(policy, pbxProps({ extensions: 501 }), [
      "extensions 501 exceeds the limit of 500",
      "allowed: 5..500",
      '"maxExtensions" of policy "yeastar-max-extensions-per-pbx"',
    ]);
  });

  it("follows maxExtensions from the config", async () => {
    const config = { maxExtensions: 50 };
    await assertNoResourceViolations(policy, pbxProps({ extensions: 50 }), config);
    await assertHasResourceViolation(
      policy,
      pbxProps({ extensions: 100 }),
      ["extensions 100", "allowed: 5..50"],
      config,
    );
  });

  it("reads a numeric string as the number it is", async () => {
    await assertHasResourceViolation(policy, pbxProps({ extensions: "600" }), ["extensions 600"]);
  });

  it("does not judge unknown extensions", async () => {
    const config = { maxExtensions: 5 };
    await assertNoResourceViolations(policy, pbxProps({ extensions: undefined }), config);
    await assertNoResourceViolations(policy, pbxProps({ extensions: UNKNOWN_STRING }), config);
    await assertNoResourceViolations(policy, pbxProps({ extensions: "3eeb2bf0-c639-47a8-9e75-3b44932eb421" }), config);
  });
});

describe("policy: yeastar-subdomain-pattern", () => {
  const policy = subdomainPattern;

  it("accepts lower-case DNS labels by default", async () => {
    for (const subdomain of ["acme-hq", "a", "pbx01", "a-b-c"]) {
      await assertNoResourceViolations(policy, pbxProps({ subdomain }));
    }
  });

  it("reports a subdomain that does not match, naming the value, the pattern and the config key", async () => {
    await assertHasResourceViolation(policy, pbxProps({ subdomain: "Acme_HQ" }), [
      'subdomain "Acme_HQ" does not match',
      JSON.stringify(DEFAULT_SUBDOMAIN_PATTERN),
      '"pattern" of policy "yeastar-subdomain-pattern"',
    ]);
  });

  it("rejects leading or trailing hyphens by default", async () => {
    await assertHasResourceViolation(policy, pbxProps({ subdomain: "-acme" }), ['subdomain "-acme"']);
    await assertHasResourceViolation(policy, pbxProps({ subdomain: "acme-" }), ['subdomain "acme-"']);
  });

  it("follows pattern from the config", async () => {
    const config = { pattern: "^acme-[a-z]+$" };
    await assertNoResourceViolations(policy, pbxProps({ subdomain: "acme-hq" }), config);
    await assertHasResourceViolation(
      policy,
      pbxProps({ subdomain: "globex-hq" }),
      ['subdomain "globex-hq"', '"^acme-[a-z]+$"'],
      config,
    );
  });

  it("reports an invalid configured pattern instead of throwing", async () => {
    await assertHasResourceViolation(policy, pbxProps(), ['"(" is not a valid regular expression'], { pattern: "(" });
  });

  it("does not judge an unknown subdomain", async () => {
    const config = { pattern: "^x$" };
    await assertNoResourceViolations(policy, pbxProps({ subdomain: undefined }), config);
    await assertNoResourceViolations(policy, pbxProps({ subdomain: UNKNOWN_STRING }), config);
  });
});

describe("policy: yeastar-protect-required", () => {
  const policy = protectRequired;

  it("passes a PBX with protect set", async () => {
    await assertNoResourceViolations(policy, pbxProps(), {}, { protect: true });
  });

  it("reports a PBX without protect, saying what to set", async () => {
    const violation = await assertHasResourceViolation(
      policy,
      pbxProps(),
      [
        'PBX "hq"',
        "protect resource option is not set; it must be true",
        'pass { protect: true } as the resource options of "hq"',
        '"exemptResourceNames" of policy "yeastar-protect-required"',
      ],
      {},
      { protect: false },
    );
    assert.strictEqual(violation.urn, undefined, "a resource violation is attributed to the resource by the runtime");
  });

  it("follows exemptResourceNames from the config", async () => {
    const config = { exemptResourceNames: ["sandbox-pbx"] };
    await assertNoResourceViolations(policy, pbxProps(), config, { name: "sandbox-pbx", protect: false });
    await assertHasResourceViolation(policy, pbxProps(), ['PBX "hq"'], config, { name: "hq", protect: false });
  });

  it("checks protect even when every input is unknown", async () => {
    await assertHasResourceViolation(policy, pbxProps({ subdomain: undefined }), ['PBX "hq":'], {}, { protect: false });
  });
});

describe("policy: yeastar-no-repurchase", () => {
  const policy = noRepurchase;

  it("passes when allowRepurchase is unset or false", async () => {
    await assertNoResourceViolations(policy, pbxProps());
    await assertNoResourceViolations(policy, pbxProps({ allowRepurchase: false }));
  });

  it("reports allowRepurchase: true, naming the field, what is allowed and the config key", async () => {
    await assertHasResourceViolation(policy, pbxProps({ allowRepurchase: true }), [
      "allowRepurchase is true; allowed: unset or false",
      "buys a second PBX",
      '"allow" of policy "yeastar-no-repurchase"',
    ]);
  });

  it("permits allowRepurchase when the config sets allow: true", async () => {
    await assertNoResourceViolations(policy, pbxProps({ allowRepurchase: true }), { allow: true });
  });

  it("does not judge an unknown allowRepurchase", async () => {
    await assertNoResourceViolations(policy, pbxProps({ allowRepurchase: UNKNOWN_STRING }));
    await assertNoResourceViolations(policy, pbxProps({ allowRepurchase: "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7" }));
  });
});
