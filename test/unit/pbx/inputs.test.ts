import * as assert from "node:assert/strict";
import { UNKNOWN } from "../../../provider/api/inputs";
import { validateInputs } from "../../../provider/pbx/validate-inputs";
import { rawInputs } from "./fixtures";

describe("input validation", function () {
  it("accepts a valid PBX and applies defaults", function () {
    const r = validateInputs(rawInputs());
    assert.deepEqual(r.failures, []);
    assert.equal(r.inputs?.highAvailability, false);
    assert.equal(r.inputs?.recordingMinutes, 0);
    assert.equal(r.inputs?.allowRepurchase, false);
    assert.equal(r.inputs?.orderTimeoutSeconds, 900);
  });

  it("accepts the range limits 5 and 500 extensions", function () {
    assert.deepEqual(validateInputs(rawInputs({ extensions: 5 })).failures, []);
    assert.deepEqual(validateInputs(rawInputs({ extensions: 500 })).failures, []);
  });

  // Each row: one bad field, the field the failure must name, and text the reason must contain.
  const bad: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ["extensions below range", { extensions: 4 }, "extensions", /4 \(number\).*integer from 5 to 500/],
    ["extensions above range", { extensions: 501 }, "extensions", /501.*5 to 500/],
    ["extensions zero", { extensions: 0 }, "extensions", /5 to 500/],
    ["extensions negative", { extensions: -10 }, "extensions", /5 to 500/],
    ["extensions non-integer", { extensions: 10.5 }, "extensions", /10\.5.*integer/],
    ["extensions as string", { extensions: "100" }, "extensions", /"100" \(string\)/],
    ["extensions NaN-like", { extensions: null }, "extensions", /required/],
    ["extensions missing", { extensions: undefined }, "extensions", /required/],
    ["unknown plan", { plan: "premium" }, "plan", /"premium".*"enterprise", "ultimate"/],
    ["plan wrong case", { plan: "Enterprise" }, "plan", /"enterprise", "ultimate"/],
    ["plan as number", { plan: 1 }, "plan", /1 \(number\)/],
    ["unknown billing cycle", { billingCycle: "weekly" }, "billingCycle", /"monthly", "annually"/],
    ["billing cycle missing", { billingCycle: undefined }, "billingCycle", /"monthly", "annually"/],
    ["subdomain with capitals", { subdomain: "Acme" }, "subdomain", /DNS label/],
    ["subdomain with underscore", { subdomain: "acme_hq" }, "subdomain", /DNS label/],
    ["subdomain leading hyphen", { subdomain: "-acme" }, "subdomain", /DNS label/],
    ["subdomain too short", { subdomain: "ab" }, "subdomain", /3 to 63 characters, got 2/],
    ["subdomain too long", { subdomain: "a".repeat(64) }, "subdomain", /3 to 63 characters, got 64/],
    ["subdomain with dot", { subdomain: "acme.hq" }, "subdomain", /DNS label/],
    ["subdomain unicode", { subdomain: "café" }, "subdomain", /DNS label/],
    ["subdomain missing", { subdomain: "" }, "subdomain", /required/],
    ["pbxName too long", { pbxName: "x".repeat(65) }, "pbxName", /1 to 64 characters, got 65/],
    ["pbxName with markup", { pbxName: "<script>alert(1)</script>" }, "pbxName", /printable text/],
    ["pbxName with shell", { pbxName: "$(rm -rf /)" }, "pbxName", /printable text/],
    ["pbxName with newline", { pbxName: "a\nb" }, "pbxName", /printable text/],
    ["pbxName as object", { pbxName: { a: 1 } }, "pbxName", /\(object\)/],
    ["region missing", { region: undefined }, "region", /required/],
    ["domain malformed", { domain: "not a domain" }, "domain", /domain suffix/],
    ["billing contact not id or email", { billingContact: "accounts payable" }, "billingContact", /id \(digits\) or/],
    ["owner malformed", { owner: "someone" }, "owner", /partner id/],
    ["highAvailability as string", { highAvailability: "yes" }, "highAvailability", /true or false/],
    ["recordingMinutes negative", { recordingMinutes: -1 }, "recordingMinutes", /0 to 1000000/],
    ["recordingMinutes fractional", { recordingMinutes: 1.5 }, "recordingMinutes", /integer/],
    ["poNumber too long", { poNumber: "P".repeat(65) }, "poNumber", /1 to 64 characters/],
    ["allowRepurchase as number", { allowRepurchase: 1 }, "allowRepurchase", /true or false/],
    ["orderTimeoutSeconds zero", { orderTimeoutSeconds: 0 }, "orderTimeoutSeconds", /1 to 86400/],
    ["an unknown input", { extension: 100 }, "extension", /not an input of PSeriesCloudPbx/],
  ];
  for (const [name, change, field, reason] of bad) {
    it(`rejects ${name}, naming ${field}`, function () {
      const r = validateInputs(rawInputs(change));
      assert.equal(r.inputs, undefined);
      const failure = r.failures.find((f) => f.property === field);
      assert.ok(failure, `no failure for ${field}: ${JSON.stringify(r.failures)}`);
      assert.match(failure.reason, reason);
      assert.ok(failure.reason.startsWith(field), "the reason starts with the field name");
    });
  }

  it("reports one failure per bad field", function () {
    const r = validateInputs(rawInputs({ extensions: 1000, plan: "gold", billingCycle: "daily" }));
    assert.deepEqual(r.failures.map((f) => f.property).sort(), ["billingCycle", "extensions", "plan"]);
  });

  it("tolerates values unknown during preview", function () {
    const r = validateInputs(rawInputs({ extensions: UNKNOWN, subdomain: UNKNOWN, plan: UNKNOWN }));
    assert.deepEqual(r.failures, []);
    assert.equal(r.inputs?.extensions, UNKNOWN);
  });

  it("shortens long values in messages", function () {
    const r = validateInputs(rawInputs({ pbxName: "<".repeat(5000) }));
    assert.ok(r.failures[0].reason.length < 400);
  });
});
