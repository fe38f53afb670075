/**
 * Test helpers for the policy pack, in the pulumi-policy-aws idiom: build the args the policy runtime would pass,
 * run a policy, and assert on the violations it reports.
 */
import * as assert from "assert";

import type {
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";

import { PBX_TYPE } from "../../../provider/api/contract";
import { VALID_PBX_ARGS } from "../../fixtures/pbx-args";

export { PBX_TYPE };

/** What dynamic providers and the policy proxy see for a string the engine does not know yet. */
export const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export type Props = Record<string, unknown>;
export type PolicyConfig = Record<string, unknown>;

export interface PolicyViolation {
  message: string;
  urn?: string;
}

/** The inputs of a valid PBX, as the design's example declares it. Each test changes one field. */
export function pbxProps(overrides: Props = {}): Props {
  return {
    ...VALID_PBX_ARGS,
    domain: "eu.sandbox.yeastarcloud.com",
    highAvailability: true,
    __provider: "exports.handler = __f0; /* serialized provider */",
    ...overrides,
  };
}

export interface ResourceOptions {
  name?: string;
  type?: string;
  protect?: boolean;
  /** The stack in the resource's URN (default "dev"). */
  stack?: string;
}

function resourceOptions(protect: boolean): PolicyResourceOptions {
  return {
    protect,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
  };
}

function urnOf(type: string, name: string, stack = "dev"): string {
  return `urn:pulumi:${stack}::yeastar-demo::${type}::${name}`;
}

/**
 * The config a policy sees: like the Pulumi CLI, start from the schema defaults and lay the given config on top.
 * `"raw"` skips the defaults, as a runtime that sends no config would.
 */
export function reconciledConfig(
  policy: ResourceValidationPolicy | StackValidationPolicy,
  config: PolicyConfig | "raw" = {},
): PolicyConfig {
  if (config === "raw") {
    return {};
  }
  const defaults: PolicyConfig = {};
  for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
    if (schema.default !== undefined) {
      defaults[key] = schema.default;
    }
  }
  return { ...defaults, ...config };
}

function notApplicable(reason?: string): never {
  throw new Error(`notApplicable: ${reason ?? ""}`);
}

export function createResourceValidationArgs(
  props: Props,
  config: PolicyConfig,
  options: ResourceOptions = {},
): ResourceValidationArgs {
  const type = options.type ?? PBX_TYPE;
  const name = options.name ?? "hq";
  return {
    type,
    props,
    urn: urnOf(type, name, options.stack),
    name,
    opts: resourceOptions(options.protect ?? true),
    stackTags: new Map(),
    // Our policies match on the type token; the resource class is not needed.
    isType: () => false,
    asType: () => undefined,
    getConfig: <T extends object>() => config as T,
    notApplicable,
  };
}

/** One resource of a stack, for stack policies. `props` are what the engine reports (the resource's outputs). */
export interface StackResource {
  name: string;
  props: Props;
  type?: string;
  protect?: boolean;
}

export function createStackValidationArgs(resources: StackResource[], config: PolicyConfig): StackValidationArgs {
  const policyResources: PolicyResource[] = resources.map((r) => {
    const type = r.type ?? PBX_TYPE;
    return {
      type,
      props: r.props,
      urn: urnOf(type, r.name),
      name: r.name,
      opts: resourceOptions(r.protect ?? true),
      dependencies: [],
      propertyDependencies: {},
      isType: () => false,
      asType: () => undefined,
    };
  });
  return {
    resources: policyResources,
    stackTags: new Map(),
    getConfig: <T extends object>() => config as T,
    notApplicable,
  };
}

export async function runResourcePolicy(
  policy: ResourceValidationPolicy,
  props: Props,
  config: PolicyConfig | "raw" = {},
  options: ResourceOptions = {},
): Promise<PolicyViolation[]> {
  const violations: PolicyViolation[] = [];
  const report = (message: string, urn?: string) => violations.push({ message, urn });
  const args = createResourceValidationArgs(props, reconciledConfig(policy, config), options);
  const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
  for (const validate of validations) {
    assert.ok(validate, `policy ${policy.name} has no validateResource`);
    await Promise.resolve(validate(args, report));
  }
  return violations;
}

export async function runStackPolicy(
  policy: StackValidationPolicy,
  resources: StackResource[],
  config: PolicyConfig | "raw" = {},
): Promise<PolicyViolation[]> {
  const violations: PolicyViolation[] = [];
  const report = (message: string, urn?: string) => violations.push({ message, urn });
  await Promise.resolve(
    policy.validateStack(createStackValidationArgs(resources, reconciledConfig(policy, config)), report),
  );
  return violations;
}

function describe(violations: PolicyViolation[]): string {
  return violations.map((v) => `  - ${v.message}${v.urn ? ` (${v.urn})` : ""}`).join("\n");
}

/** Fails unless `violations` holds exactly one violation whose message contains every one of `fragments`. */
function assertHasViolation(violations: PolicyViolation[], fragments: string[]): PolicyViolation {
  assert.strictEqual(violations.length, 1, `expected exactly one violation, got:\n${describe(violations)}`);
  const [violation] = violations;
  for (const fragment of fragments) {
    assert.ok(
      violation.message.includes(fragment),
      `violation message lacks ${JSON.stringify(fragment)}:\n${describe(violations)}`,
    );
  }
  return violation;
}

function assertNoViolations(violations: PolicyViolation[]): void {
  assert.strictEqual(violations.length, 0, `expected no violations, got:\n${describe(violations)}`);
}

export async function assertHasResourceViolation(
  policy: ResourceValidationPolicy,
  props: Props,
  fragments: string[],
  config: PolicyConfig | "raw" = {},
  options: ResourceOptions = {},
): Promise<PolicyViolation> {
  return assertHasViolation(await runResourcePolicy(policy, props, config, options), fragments);
}

export async function assertNoResourceViolations(
  policy: ResourceValidationPolicy,
  props: Props,
  config: PolicyConfig | "raw" = {},
  options: ResourceOptions = {},
): Promise<void> {
  assertNoViolations(await runResourcePolicy(policy, props, config, options));
}

export async function assertHasStackViolation(
  policy: StackValidationPolicy,
  resources: StackResource[],
  fragments: string[],
  config: PolicyConfig | "raw" = {},
): Promise<PolicyViolation> {
  return assertHasViolation(await runStackPolicy(policy, resources, config), fragments);
}

export async function assertNoStackViolations(
  policy: StackValidationPolicy,
  resources: StackResource[],
  config: PolicyConfig | "raw" = {},
): Promise<void> {
  assertNoViolations(await runStackPolicy(policy, resources, config));
}
