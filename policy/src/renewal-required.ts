/**
 * `yeastar-renewal-required`: with `required: true`, every PBX in a production stack declares how it stays paid:
 * `autoRenew: true` (the portal renews it) or `renewThrough: "YYYY-MM-DD"` (the provider orders renewals until then).
 * A free trial is exempt: it cannot be renewed (policy/README.md, "Renewal in production").
 *
 * Off by default like `yeastar-owner-required`: the switch is a setting, not the enforcement level, so a config
 * with `"all": "mandatory"` written before this policy existed does not start blocking previews. Production is the
 * stack named in the resource's URN (`urn:pulumi:<stack>::...`), one of `productionStacks`.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";

import { isIsoDate } from "../../provider/api/terms";
import { NOT_KNOWN, configHint, describePbx, forPbx, listOf, readOrUnknown } from "./pbx";

export const RENEWAL_REQUIRED_NAME = "yeastar-renewal-required";
export const DEFAULT_PRODUCTION_STACKS: readonly string[] = ["prod", "production"];

export interface RenewalRequiredConfig {
  required?: boolean;
  productionStacks?: string[];
  exemptResourceNames?: string[];
}

/** The stack a URN belongs to: `urn:pulumi:<stack>::<project>::<type>::<name>`; undefined if it is not one. */
export function stackOfUrn(urn: string): string | undefined {
  const m = /^urn:pulumi:([^:]+)::/.exec(urn);
  return m ? m[1] : undefined;
}

/** Stack names compare case-insensitively: a team that lists "prod" means "Prod" too. */
export function isProductionStack(stack: string, productionStacks: readonly string[]): boolean {
  return productionStacks.some((s) => s.trim().toLowerCase() === stack.toLowerCase());
}

function autoRenewText(value: unknown): string {
  if (value === undefined) return "autoRenew is not set";
  if (value === false) return "autoRenew is false";
  return `autoRenew is ${JSON.stringify(value)}, not true`;
}

function renewThroughText(value: unknown): string {
  if (value === undefined) return "renewThrough is not set";
  return `renewThrough ${JSON.stringify(value)} is not a date written YYYY-MM-DD`;
}

const hint = (key: string) => configHint(RENEWAL_REQUIRED_NAME, key);

export const renewalRequired: ResourceValidationPolicy = {
  name: RENEWAL_REQUIRED_NAME,
  description:
    "With required: true, every PBX in a production stack (productionStacks, matched against the stack name in " +
    "its URN) sets autoRenew: true or renewThrough, so it does not lapse at the end of its term; a trial is " +
    "exempt. Off by default.",
  severity: "high",
  configSchema: {
    properties: {
      required: {
        type: "boolean",
        default: false,
        description: "Report a PBX in a production stack that declares no renewal.",
      },
      productionStacks: {
        type: "array",
        // The URN holds the bare stack name: "acme/prod" or "acme/app/prod" would never match, so it is refused.
        items: { type: "string", minLength: 1, pattern: "^[^/:]+$" },
        minItems: 1,
        uniqueItems: true,
        default: [...DEFAULT_PRODUCTION_STACKS],
        description: "Names of the production stacks, without organization or project (compared case-insensitively).",
      },
      exemptResourceNames: {
        type: "array",
        items: { type: "string", minLength: 1 },
        uniqueItems: true,
        default: [],
        description: "Pulumi resource names of production PBXs that may go without a renewal (e.g. one being retired).",
      },
    },
  },
  remediationSteps: 'Set autoRenew: true or renewThrough: "YYYY-MM-DD" on the PBX, or exempt it in the config.',
  validateResource: forPbx((props, args, report) => {
    const config = args.getConfig<RenewalRequiredConfig>();
    if (config.required !== true || (config.exemptResourceNames ?? []).includes(args.name)) {
      return;
    }
    const productionStacks = config.productionStacks ?? DEFAULT_PRODUCTION_STACKS;
    const stack = stackOfUrn(args.urn);
    if (stack === undefined) {
      // Never pass on a stack the policy could not read: it might be a production one.
      report(
        `${describePbx(args.name, props)}: cannot tell whether it is in a production stack: its URN ` +
          `${JSON.stringify(args.urn)} names no stack. Fix: set autoRenew: true or renewThrough: "YYYY-MM-DD", ` +
          `or add "${args.name}" to ${hint("exemptResourceNames")}.`,
      );
      return;
    }
    if (!isProductionStack(stack, productionStacks)) {
      return;
    }
    // A value the engine does not know yet during preview (it depends on another resource's output) is not
    // counted as missing: `pulumi up` runs the policy again with it known, before the PBX is bought or changed.
    // Only an absent value, or a known one that is no renewal, is reported; neither passes.
    const trial = readOrUnknown(props, "trial");
    if (trial === true || trial === NOT_KNOWN) {
      return; // a free trial cannot be renewed (provider/pbx/trial.ts refuses renewThrough on one)
    }
    const autoRenew = readOrUnknown(props, "autoRenew");
    if (autoRenew === true || autoRenew === NOT_KNOWN) {
      return;
    }
    const renewThrough = readOrUnknown(props, "renewThrough");
    if (renewThrough === NOT_KNOWN || (typeof renewThrough === "string" && isIsoDate(renewThrough))) {
      return;
    }
    report(
      `${describePbx(args.name, props)} in production stack "${stack}" declares no renewal ` +
        `(${autoRenewText(autoRenew)}; ${renewThroughText(renewThrough)}), so it lapses when its paid term ends. ` +
        `Fix: set autoRenew: true (the portal renews it), or renewThrough: "YYYY-MM-DD" (the provider orders ` +
        `renewals until the PBX is paid through that date); or add "${args.name}" to ${hint("exemptResourceNames")}. ` +
        `Production stacks: ${listOf(productionStacks)} (${hint("productionStacks")}).`,
    );
  }),
};
