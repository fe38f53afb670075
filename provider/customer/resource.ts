/**
 * Customer: a subordinate user of the partner account (the API's `save_user`), to whom PBXs are assigned with
 * `owner: customer.partnerId`. Creating it places no order. The API can neither change nor delete a subordinate
 * user: a change fails in the preview, and a destroy only removes it from the stack.
 */
import * as pulumi from "@pulumi/pulumi";
import { CUSTOMER_TOKENS, PACKAGE } from "../api/contract";
import { registrationProps } from "../runtime/registration";
import { CUSTOMER_OUTPUT_KEYS, type TAX_TYPES } from "./inputs";
import customerProvider = require("./provider");

export interface CustomerArgs {
  /** The customer's Yeastar ID (an email address). A user with this email already in the account is recorded. */
  email: pulumi.Input<string>;
  company: pulumi.Input<string>;
  /** Country name as the Partner Portal's country list spells it, e.g. "Germany". */
  country: pulumi.Input<string>;
  /** firstName or lastName: at least one. */
  firstName?: pulumi.Input<string>;
  lastName?: pulumi.Input<string>;
  phoneNumber?: pulumi.Input<string>;
  stateProvince?: pulumi.Input<string>;
  city?: pulumi.Input<string>;
  street?: pulumi.Input<string>;
  zipCode?: pulumi.Input<string>;
  remark?: pulumi.Input<string>;
  taxType?: pulumi.Input<(typeof TAX_TYPES)[number]>;
  taxNum?: pulumi.Input<string>;
  /** Email the customer an activation link when the user is created. Default false. */
  sendActivationEmail?: pulumi.Input<boolean>;
}

export class Customer extends pulumi.dynamic.Resource {
  /** The subordinate user's partner id (a decimal string): a PBX's `owner`. Also the resource id. */
  declare public readonly partnerId: pulumi.Output<string>;
  declare public readonly email: pulumi.Output<string>;
  declare public readonly company: pulumi.Output<string>;
  declare public readonly userType: pulumi.Output<string>;
  /** True when a user with this email was already in the account and was recorded, not created. */
  declare public readonly adopted: pulumi.Output<boolean>;

  constructor(name: string, args: CustomerArgs, opts?: pulumi.CustomResourceOptions) {
    // check says what `up` will do in a preview only (customer/engine.ts); check drops the flag from the inputs.
    const props = registrationProps(CUSTOMER_OUTPUT_KEYS, args, pulumi.runtime.isDryRun());
    super(customerProvider, name, props, opts, PACKAGE, CUSTOMER_TOKENS.name);
  }
}
