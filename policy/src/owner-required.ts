/**
 * yeastar-owner-required: with `required: true`, every PBX names the customer it is bought for (policy/README.md). Off by default; the partner's own PBXs can be exempted by resource name.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configHint, describePbx, forPbx, isSet } from "./pbx";

export interface OwnerRequiredConfig {
  required?: boolean;
  exemptResourceNames?: string[];
}

export const ownerRequired: ResourceValidationPolicy = {
  name: "yeastar-owner-required",
  description:
    "With required: true, every PBX names its customer (owner: a Customer's partnerId, or a subordinate user's " +
    "partner id or email), so no PBX is bought for nobody. Off by default.",
  configSchema: {
    properties: {
      required: { type: "boolean", default: false, description: "Report a PBX without an owner." },
      exemptResourceNames: {
        type: "array",
        items: { type: "string", minLength: 1 },
        uniqueItems: true,
        default: [],
        description: "Pulumi resource names of PBXs that may go without an owner (the partner's own PBXs).",
      },
    },
  },
  remediationSteps: "Set owner on the PBX (e.g. owner: customer.partnerId), or exempt it in the config.",
  validateResource: forPbx((props, args, report) => {
    const config = args.getConfig<OwnerRequiredConfig>();
    if (config.required !== true || (config.exemptResourceNames ?? []).includes(args.name)) {
      return;
    }
    // A value not known yet (a Customer created in the same update) counts as set.
    if (isSet(props, "owner")) {
      return;
    }
    report(
      `${describePbx(args.name, props)}: owner is not set; required: the partner id or email of the customer who ` +
        `receives the PBX. Fix: declare a Customer and pass owner: customer.partnerId, or add "${args.name}" to ` +
        `${configHint(ownerRequired.name, "exemptResourceNames")}.`,
    );
  }),
};
