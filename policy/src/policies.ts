/**
 * The guardrails a platform team sets on PSeriesCloudPbx resources. Every policy here is a plain object so tests can
 * run it without starting a policy pack; `index.ts` serves them.
 *
 * Each config property carries a schema `default`: the Pulumi CLI fills those in before the pack runs. The code falls
 * back to the same constants, so a policy run without reconciled config (tests, `getConfig()` returning `{}`) behaves
 * the same.
 */
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

import { BILLING_CYCLES, MAX_EXTENSIONS, MIN_EXTENSIONS, PLAN_NAMES } from "../../provider/api/catalog";
import { moneyBudget } from "./money-budget";
import { ownerRequired } from "./owner-required";
import { renewalRequired } from "./renewal-required";
import { configHint, describePbx, forPbx, listOf, readKnown, readKnownNumber } from "./pbx";
import { isPbxType } from "../../provider/api/contract";

export const PACK_NAME = "yeastar-guardrails";

export const DEFAULT_SUBDOMAIN_PATTERN = "^[a-z0-9]([a-z0-9-]*[a-z0-9])?$";
export const DEFAULT_MAX_TOTAL_EXTENSIONS = 2000;
export const DEFAULT_MAX_HIGH_AVAILABILITY_PBXS = 10;

export interface AllowedPlansConfig {
  allowedPlans?: string[];
}
export interface AllowedRegionsConfig {
  allowedRegions?: string[];
}
export interface AllowedBillingCyclesConfig {
  allowedBillingCycles?: string[];
}
export interface MaxExtensionsConfig {
  maxExtensions?: number;
}
export interface SubdomainPatternConfig {
  pattern?: string;
}
export interface ProtectRequiredConfig {
  exemptResourceNames?: string[];
}
export interface NoRepurchaseConfig {
  allow?: boolean;
}
export interface StackBudgetConfig {
  maxTotalExtensions?: number;
  maxHighAvailabilityPbxs?: number;
}

/**
 * Shared shape of "the field must be one of a configured list": plans and billing cycles compare exactly (the
 * provider accepts only these spellings), regions case-insensitively (names are typed by people).
 */
function allowedValuesPolicy(opts: {
  name: string;
  description: string;
  field: "plan" | "billingCycle" | "region";
  configKey: string;
  defaults?: readonly string[];
  ignoreCase: boolean;
  extraFix?: string;
}): ResourceValidationPolicy {
  const { name, field, configKey, defaults, ignoreCase } = opts;
  const norm = (v: string): string => (ignoreCase ? v.trim().toLowerCase() : v);
  return {
    name,
    description: opts.description,
    configSchema: {
      properties: {
        [configKey]: {
          type: "array",
          items: defaults && !ignoreCase ? { type: "string", enum: [...defaults] } : { type: "string", minLength: 1 },
          minItems: 1,
          uniqueItems: true,
          ...(defaults ? { default: [...defaults] } : {}),
          description: `Values of "${field}" a PBX may use.${defaults ? "" : " Unset: any value."}`,
        },
      },
    },
    remediationSteps: `Change "${field}" to an allowed value, or extend ${configHint(name, configKey)}.`,
    validateResource: forPbx((props, args, report) => {
      const config = args.getConfig<Record<string, unknown>>();
      const configured = config[configKey];
      const allowed = Array.isArray(configured) ? configured.map(String) : defaults;
      if (allowed === undefined || allowed.length === 0) {
        return; // unrestricted
      }
      const value = readKnown(props, field);
      if (value === undefined) {
        return;
      }
      if (allowed.some((a) => norm(a) === norm(String(value)))) {
        return;
      }
      report(
        `${describePbx(args.name, props)}: ${field} ${JSON.stringify(value)} is not allowed; ` +
          `allowed: ${listOf(allowed)}. ` +
          `Fix: set ${field} to one of the allowed values, or add ${JSON.stringify(value)} to ` +
          `${configHint(name, configKey)}.${opts.extraFix ?? ""}`,
      );
    }),
  };
}

export const allowedPlans: ResourceValidationPolicy = allowedValuesPolicy({
  name: "yeastar-allowed-plans",
  description: "PBXs may only use the plans the platform team allows (config: allowedPlans).",
  field: "plan",
  configKey: "allowedPlans",
  defaults: PLAN_NAMES,
  ignoreCase: false,
  extraFix: " For an existing PBX, a plan change is a switch_plan order.",
});

export const allowedRegions: ResourceValidationPolicy = allowedValuesPolicy({
  name: "yeastar-allowed-regions",
  description: "PBXs may only be placed in the regions the platform team allows (config: allowedRegions; unset: any).",
  field: "region",
  configKey: "allowedRegions",
  ignoreCase: true,
  extraFix:
    " The policy compares the region exactly as written in the program (name or id, case-insensitive);" +
    " list both the name and the id if programs may use either. Moving an existing PBX to another region" +
    " means buying a new one.",
});

export const allowedBillingCycles: ResourceValidationPolicy = allowedValuesPolicy({
  name: "yeastar-allowed-billing-cycles",
  description: "PBXs may only use the billing cycles the platform team allows (config: allowedBillingCycles).",
  field: "billingCycle",
  configKey: "allowedBillingCycles",
  defaults: BILLING_CYCLES,
  ignoreCase: false,
  extraFix: " The API cannot change the billing cycle of an existing PBX; change it in the Partner Portal.",
});

export const maxExtensionsPerPbx: ResourceValidationPolicy = {
  name: "yeastar-max-extensions-per-pbx",
  description: `A PBX may have at most maxExtensions extensions (default ${MAX_EXTENSIONS}, the product maximum).`,
  configSchema: {
    properties: {
      maxExtensions: {
        type: "integer",
        minimum: MIN_EXTENSIONS,
        maximum: MAX_EXTENSIONS,
        default: MAX_EXTENSIONS,
        description: "Largest number of extensions one PBX may have.",
      },
    },
  },
  remediationSteps: "Lower extensions, or raise maxExtensions in the policy pack config.",
  validateResource: forPbx((props, args, report) => {
    const max = args.getConfig<MaxExtensionsConfig>().maxExtensions ?? MAX_EXTENSIONS;
    const extensions = readKnownNumber(props, "extensions");
    if (extensions === undefined || extensions <= max) {
      return;
    }
    report(
      `${describePbx(args.name, props)}: extensions ${extensions} exceeds the limit of ${max} per PBX; ` +
        `allowed: ${MIN_EXTENSIONS}..${max}. ` +
        `Fix: set extensions to at most ${max}, or raise ${configHint(maxExtensionsPerPbx.name, "maxExtensions")}. ` +
        "The API cannot remove extensions from an existing PBX; reduce them in the Partner Portal first.",
    );
  }),
};

export const subdomainPattern: ResourceValidationPolicy = {
  name: "yeastar-subdomain-pattern",
  description: "A PBX's subdomain (its URL prefix) must match the naming pattern (config: pattern).",
  configSchema: {
    properties: {
      pattern: {
        type: "string",
        minLength: 1,
        default: DEFAULT_SUBDOMAIN_PATTERN,
        description: "JavaScript regular expression the whole subdomain must match; anchor it with ^ and $.",
      },
    },
  },
  remediationSteps: "Rename the subdomain to match the pattern, or change the pattern in the policy pack config.",
  validateResource: forPbx((props, args, report) => {
    const pattern = args.getConfig<SubdomainPatternConfig>().pattern ?? DEFAULT_SUBDOMAIN_PATTERN;
    const subdomain = readKnown(props, "subdomain");
    if (typeof subdomain !== "string") {
      return;
    }
    let re: RegExp;
    try {
      re = new RegExp(pattern);
    } catch (e) {
      // A broken pattern is the pack's fault, but reporting it (rather than throwing) keeps the configured
      // enforcement level in charge of whether a deployment stops.
      report(
        `${describePbx(args.name, props)}: cannot check the subdomain: ${configHint(subdomainPattern.name, "pattern")} ` +
          `${JSON.stringify(pattern)} is not a valid regular expression (${(e as Error).message}). ` +
          "Fix: correct the pattern in the policy pack config.",
      );
      return;
    }
    if (re.test(subdomain)) {
      return;
    }
    report(
      `${describePbx(args.name, props)}: subdomain ${JSON.stringify(subdomain)} does not match the naming pattern ` +
        `${JSON.stringify(pattern)}. Fix: choose a subdomain that matches it, or change ` +
        `${configHint(subdomainPattern.name, "pattern")}. Renaming an existing PBX's subdomain means buying a new PBX.`,
    );
  }),
};

export const protectRequired: ResourceValidationPolicy = {
  name: "yeastar-protect-required",
  description: "Every PBX is a purchase that no API can cancel, so it must have the `protect` resource option.",
  severity: "high",
  configSchema: {
    properties: {
      exemptResourceNames: {
        type: "array",
        items: { type: "string", minLength: 1 },
        uniqueItems: true,
        default: [],
        description: "Pulumi resource names (not PBX names) that may go without protect, e.g. a sandbox PBX.",
      },
    },
  },
  remediationSteps: "Add `{ protect: true }` to the resource options of the PBX.",
  validateResource: forPbx((props, args, report) => {
    const exempt = args.getConfig<ProtectRequiredConfig>().exemptResourceNames ?? [];
    if (args.opts?.protect === true || exempt.includes(args.name)) {
      return;
    }
    report(
      `${describePbx(args.name, props)}: the protect resource option is not set; it must be true, because a PBX ` +
        "is a paid subscription that no API can cancel and a destroy only forgets it while billing continues. " +
        `Fix: pass { protect: true } as the resource options of "${args.name}", or add "${args.name}" to ` +
        `${configHint(protectRequired.name, "exemptResourceNames")}.`,
    );
  }),
};

export const noRepurchase: ResourceValidationPolicy = {
  name: "yeastar-no-repurchase",
  description:
    "allowRepurchase lets a change to pbxName, subdomain, domain or region buy a second PBX; it is forbidden " +
    "unless the policy config sets allow: true.",
  severity: "high",
  configSchema: {
    properties: {
      allow: {
        type: "boolean",
        default: false,
        description: "Permit allowRepurchase: true (e.g. for a planned move to another region).",
      },
    },
  },
  remediationSteps: "Remove allowRepurchase from the PBX, or set allow: true for this policy for a planned move.",
  validateResource: forPbx((props, args, report) => {
    if (args.getConfig<NoRepurchaseConfig>().allow === true) {
      return;
    }
    if (readKnown(props, "allowRepurchase") !== true) {
      return;
    }
    report(
      `${describePbx(args.name, props)}: allowRepurchase is true; allowed: unset or false. With it, a change to ` +
        "pbxName, subdomain, domain or region buys a second PBX, and the first stays billed until it expires. " +
        `Fix: remove allowRepurchase, or, for a planned move, set ${configHint(noRepurchase.name, "allow")} to true.`,
    );
  }),
};

function pbxResources(resources: PolicyResource[]): PolicyResource[] {
  return resources.filter((r) => isPbxType(r.type));
}

export const stackBudget: StackValidationPolicy = {
  name: "yeastar-stack-budget",
  description:
    `Across all PBXs in a stack: at most maxTotalExtensions extensions (default ${DEFAULT_MAX_TOTAL_EXTENSIONS}) ` +
    `and at most maxHighAvailabilityPbxs PBXs with high availability (default ${DEFAULT_MAX_HIGH_AVAILABILITY_PBXS}).`,
  configSchema: {
    properties: {
      maxTotalExtensions: {
        type: "integer",
        minimum: 0,
        default: DEFAULT_MAX_TOTAL_EXTENSIONS,
        description: "Largest sum of extensions over all PBXs in one stack.",
      },
      maxHighAvailabilityPbxs: {
        type: "integer",
        minimum: 0,
        default: DEFAULT_MAX_HIGH_AVAILABILITY_PBXS,
        description: "Largest number of PBXs with highAvailability: true in one stack.",
      },
    },
  },
  remediationSteps: "Lower extensions or turn high availability off on new PBXs, or raise the limits in the config.",
  validateStack: (args, report) => {
    const config = args.getConfig<StackBudgetConfig>();
    const maxTotal = config.maxTotalExtensions ?? DEFAULT_MAX_TOTAL_EXTENSIONS;
    const maxHa = config.maxHighAvailabilityPbxs ?? DEFAULT_MAX_HIGH_AVAILABILITY_PBXS;
    const pbxs = pbxResources(args.resources);

    // Values not known yet (preview) are left out: the stack is judged on what is known, and judged again at `up`.
    let total = 0;
    const counted: string[] = [];
    let notCounted = 0;
    const haNames: string[] = [];
    for (const pbx of pbxs) {
      const extensions = readKnownNumber(pbx.props, "extensions");
      if (extensions === undefined) {
        notCounted++;
      } else {
        total += extensions;
        counted.push(`${pbx.name}: ${extensions}`);
      }
      if (readKnown(pbx.props, "highAvailability") === true) {
        haNames.push(pbx.name);
      }
    }

    if (total > maxTotal) {
      const skipped =
        notCounted > 0 ? `; ${notCounted} PBX(s) whose extensions are not known yet were not counted` : "";
      report(
        `The stack's PBXs have ${total} extensions in total (${counted.join(", ")}${skipped}), more than the ` +
          `allowed ${maxTotal}. Fix: lower extensions on new or planned PBXs, or raise ` +
          `${configHint(stackBudget.name, "maxTotalExtensions")}.`,
      );
    }
    if (haNames.length > maxHa) {
      report(
        `The stack has ${haNames.length} PBXs with highAvailability: true (${haNames.join(", ")}), more than the ` +
          `allowed ${maxHa}. Fix: set highAvailability to false on new PBXs (the API cannot turn it off on an ` +
          `existing one), or raise ${configHint(stackBudget.name, "maxHighAvailabilityPbxs")}.`,
      );
    }
  },
};

export const resourcePolicies: ResourceValidationPolicy[] = [
  allowedPlans,
  allowedRegions,
  allowedBillingCycles,
  maxExtensionsPerPbx,
  subdomainPattern,
  protectRequired,
  noRepurchase,
  ownerRequired,
  renewalRequired,
];

export const stackPolicies: StackValidationPolicy[] = [stackBudget, moneyBudget];

/** Every policy of the pack, in the order the CLI lists them. */
export const policies: (ResourceValidationPolicy | StackValidationPolicy)[] = [...resourcePolicies, ...stackPolicies];
