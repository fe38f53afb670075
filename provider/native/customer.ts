/**
 * The Customer resource in the native plugin (`yeastar:index:Customer`): its schema and its methods, which call
 * the same engine as the dynamic `Customer` (provider/customer/engine.ts). `route` sends each call of the
 * plugin to the PBX or the Customer methods by the resource's type token.
 */
import { CUSTOMER_TOKENS } from "../api/contract";
import { asCustomerApi } from "../api/customer-api";
import * as customer from "../customer/engine";
import { CUSTOMER_INPUT_KEYS, TAX_TYPES } from "../customer/inputs";
import type { Deps } from "../runtime/deps";
import type { PropertySpec, TypeHandler, WithDeps } from "./types";

export const CUSTOMER_TYPE = CUSTOMER_TOKENS.native;

const DESCRIPTIONS: Record<(typeof CUSTOMER_INPUT_KEYS)[number], string> = {
  email: "The customer's Yeastar ID (an email address). A user with this email already in the account is recorded.",
  company: "Company name.",
  country: 'Country name as the Partner Portal\'s country list spells it, e.g. "Germany".',
  firstName: "First name (firstName or lastName is required).",
  lastName: "Last name (firstName or lastName is required).",
  phoneNumber: "Phone number.",
  stateProvince: "State or province.",
  city: "City.",
  street: "Street.",
  zipCode: "Postal code.",
  remark: "A remark shown in the Partner Portal.",
  taxType: `Tax number type: one of ${TAX_TYPES.map((t) => JSON.stringify(t)).join(", ")}.`,
  taxNum: "Tax number.",
  sendActivationEmail: "Email the customer an activation link when the user is created. Default false.",
};

/** The resource's entry in the package schema. */
export function customerResourceSchema(): Record<string, unknown> {
  const inputs: Record<string, PropertySpec> = Object.fromEntries(
    CUSTOMER_INPUT_KEYS.map((k) => [
      k,
      {
        type: k === "sendActivationEmail" ? "boolean" : "string",
        description: DESCRIPTIONS[k],
        ...(k === "sendActivationEmail" ? { default: false } : {}),
      } satisfies PropertySpec,
    ]),
  );
  const required = ["email", "company", "country"];
  return {
    description:
      "A customer: a subordinate user of your partner account, to whom PBXs are assigned (`owner: ${customer.partnerId}`). Creating it places no order. The API cannot change or delete a subordinate user: a change fails the preview, destroy only removes it from the stack. " +
      `Import with \`pulumi import ${CUSTOMER_TOKENS.native} <name> <partner id or email>\`.`,
    inputProperties: inputs,
    requiredInputs: required,
    properties: {
      ...inputs,
      partnerId: { type: "string", description: "The subordinate user's partner id: a PBX's `owner`; also the id." },
      userType: { type: "string", description: "User type as the portal reports it." },
      adopted: { type: "boolean", description: "True when a user with this email was recorded, not created." },
    },
    required: [...required, "partnerId", "userType", "adopted"],
  };
}

/** The Customer's methods, each a call of the Customer engine (provider/customer/engine.ts). */
export function customerHandler(withDeps: WithDeps): TypeHandler {
  const deps = (d: Deps): customer.CustomerDeps => ({ api: () => asCustomerApi(d.api()), report: d.report });
  return {
    check: (urn, olds, news) => withDeps(urn, (d) => customer.check(olds ?? {}, news ?? {}, deps(d))),
    // The engine types the bags (olds, props) itself, in one place (customer/inputs.ts: customerStateOf).
    diff: async (id, _urn, olds, news) => customer.diff(id, olds, news),
    create: (urn, inputs) => withDeps(urn, (d) => customer.create(inputs, deps(d))),
    update: async (id, _urn, olds, news) => customer.update(id, olds, news),
    // A preview creates nothing: it says what `up` will do.
    previewCreate: (urn, inputs) => withDeps(urn, (d) => customer.previewCreate(inputs, deps(d))),
    // Update makes no call (only sendActivationEmail may change), so its preview is the update itself.
    previewUpdate: async (id, _urn, olds, news) => ({ id, ...(await customer.update(id, olds, news)) }),
    read: (id, urn, props) =>
      withDeps(urn, async (d) => {
        const r = await customer.read(id, props, deps(d));
        return r.id ? { id: r.id, props: r.props, inputs: r.inputs } : { id: "", props: {} };
      }),
    delete: (id, urn, props) => withDeps(urn, (d) => customer.remove(id, props, deps(d))),
  };
}
