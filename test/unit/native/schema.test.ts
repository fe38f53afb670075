/**
 * The native plugin's schema cannot drift from what the engine validates and stores: its inputs are the engine's
 * inputs (names, types, which are required, defaults), and its outputs cover every property of a state the engine
 * returns.
 */
import * as assert from "node:assert/strict";
import { CONFIG, PBX_TYPE, inputProperties, packageSchema } from "../../../provider/native/schema";
import { create } from "../../../provider/pbx/engine";
import { INPUT_KEYS, OUTPUT_KEYS, PbxInputsSchema } from "../../../provider/api/inputs";
import { validateInputs } from "../../../provider/pbx/validate-inputs";
import { VALID_PBX_ARGS } from "../../fixtures/pbx-args";
import { checked, deps, fakeApi } from "../pbx/fixtures";

interface Spec {
  type?: string;
  default?: unknown;
  secret?: boolean;
  items?: { $ref?: string };
}
interface ResourceSchema {
  inputProperties: Record<string, Spec>;
  requiredInputs: string[];
  properties: Record<string, Spec>;
  required: string[];
}

const schema = packageSchema("1.2.3") as {
  name: string;
  version: string;
  config: { variables: Record<string, Spec> };
  provider: { inputProperties: Record<string, Spec> };
  types: Record<string, unknown>;
  resources: Record<string, ResourceSchema>;
};
const pbx = schema.resources[PBX_TYPE];

/** A value of the schema's type that the engine accepts for this input (from the fixture, else a default). */
const SAMPLES: Record<string, unknown> = {
  ...VALID_PBX_ARGS,
  domain: "eu.sandbox.yeastarcloud.com",
  highAvailability: true,
  recordingMinutes: 100,
  owner: "it@customer-one.example",
  poNumber: "PO-1",
  allowRepurchase: true,
  orderTimeoutSeconds: 60,
  autoRenew: true,
  renewThrough: "2030-12-31",
  trial: false,
};

function jsonType(value: unknown): string {
  return typeof value === "number" ? (Number.isInteger(value) ? "integer" : "number") : typeof value;
}

describe("native plugin: the schema is the engine's definitions", function () {
  it("names the package, the resource type and the version", function () {
    assert.equal(schema.name, "yeastar");
    assert.equal(schema.version, "1.2.3");
    assert.deepEqual(Object.keys(schema.resources), [
      "yeastar:index:PSeriesCloudPbx",
      "yeastar:index:Customer",
      "yeastar:index:PbxExtension",
      "yeastar:index:PbxInboundRoute",
    ]);
  });

  it("declares exactly the engine's inputs, in its order", function () {
    assert.deepEqual(Object.keys(pbx.inputProperties), [...INPUT_KEYS]);
    assert.deepEqual(Object.keys(PbxInputsSchema.shape), [...INPUT_KEYS]);
  });

  it("requires exactly the inputs the engine fails without", function () {
    const requiredByEngine = INPUT_KEYS.filter((k) => {
      const { [k]: _drop, ...rest } = SAMPLES;
      return validateInputs(rest).failures.some((f) => f.property === k);
    });
    assert.deepEqual(pbx.requiredInputs, requiredByEngine);
    assert.ok(requiredByEngine.includes("billingContact") && !requiredByEngine.includes("domain"));
  });

  it("gives each input the type of a value the engine accepts, and rejects another type", function () {
    assert.deepEqual(validateInputs(SAMPLES).failures, []);
    for (const k of INPUT_KEYS) {
      assert.equal(pbx.inputProperties[k].type, jsonType(SAMPLES[k]), k);
      const wrong = typeof SAMPLES[k] === "string" ? 12 : "twelve";
      assert.ok(
        validateInputs({ ...SAMPLES, [k]: wrong }).failures.some((f) => f.property === k),
        `${k} of the wrong type fails the engine's validation`,
      );
    }
  });

  it("gives the engine's defaults", function () {
    const defaults = validateInputs({ ...VALID_PBX_ARGS }).inputs!;
    for (const k of ["highAvailability", "recordingMinutes", "allowRepurchase", "orderTimeoutSeconds"] as const) {
      assert.equal(pbx.inputProperties[k].default, defaults[k], k);
    }
    assert.equal(inputProperties().properties.extensions.default, undefined);
  });

  it("declares every property of a state the engine returns, and nothing else", async function () {
    const api = fakeApi();
    const { outs } = await create({ ...checked({ priceEstimate: "USD 1.00 per year" }) }, deps(api).deps);
    const stateKeys = Object.keys(outs).filter((k) => k !== "resolved");
    for (const k of stateKeys) assert.ok(pbx.properties[k], `state property ${k} is in the schema`);
    assert.deepEqual(Object.keys(pbx.properties).sort(), [...new Set([...INPUT_KEYS, ...OUTPUT_KEYS])].sort());
    for (const k of pbx.required) assert.notEqual(outs[k as keyof typeof outs], undefined, `required ${k} is set`);
    for (const [k, spec] of Object.entries(pbx.properties)) {
      const ref = spec.items?.$ref;
      if (ref) assert.ok(schema.types[ref.replace("#/types/", "")], `${k} refers to a declared type`);
    }
  });

  it("configures clientId, baseUrl and clientSecret as a secret, for stack config and an explicit provider", function () {
    assert.deepEqual(Object.keys(schema.config.variables), Object.keys(CONFIG));
    assert.deepEqual(schema.provider.inputProperties, schema.config.variables);
    assert.equal(schema.config.variables.clientSecret.secret, true);
    for (const k of ["clientId", "baseUrl", "clientSecret"]) assert.equal(schema.config.variables[k].type, "string");
  });
});
