/**
 * The Customer resource in the native plugin (`yeastar:index:Customer`): its schema and its methods, which call
 * the same engine as the dynamic `Customer` (provider/customer/engine.ts). `route` sends each call of the
 * plugin to the PBX or the Customer methods by the resource's type token.
 */
import { asCustomerApi } from "../api/customer-api";
import * as customer from "../customer/engine";
import { CUSTOMER_INPUT_KEYS, STORED_FIELDS, TAX_TYPES, type CustomerState } from "../customer/inputs";
import type { Deps } from "../pbx/deps";
import { UNKNOWN } from "../pbx/inputs";
import type { NativeProvider } from "./provider";
import type { PropertySpec } from "./schema";

export const CUSTOMER_TYPE = "yeastar:index:Customer";

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
      "A customer: a subordinate user of your partner account, to whom PBXs are assigned (`owner: ${customer.partnerId}`). Creating it places no order. The API cannot change or delete a subordinate user: a change fails the preview, destroy only removes it from the stack. Import with `pulumi import yeastar:index:Customer <name> <partner id or email>`.",
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

function isCustomerUrn(urn: string): boolean {
  return urn.split("::")[2] === CUSTOMER_TYPE;
}

type WithDeps = <T>(urn: string, run: (deps: Deps) => Promise<T>) => Promise<T>;

/** The plugin's methods, with Customer calls sent to the Customer engine and everything else to `pbx`. */
export function route(pbx: NativeProvider, withDeps: WithDeps): NativeProvider {
  const deps = (d: Deps): customer.CustomerDeps => ({ api: () => asCustomerApi(d.api()), report: d.report });
  return {
    ...pbx,
    check: (urn, olds, news) =>
      isCustomerUrn(urn)
        ? withDeps(urn, (d) => customer.check(olds ?? {}, news ?? {}, deps(d)))
        : pbx.check!(urn, olds, news),
    diff: async (id, urn, olds, news) =>
      isCustomerUrn(urn) ? customer.diff(id, olds as CustomerState, news) : pbx.diff!(id, urn, olds, news),
    create: (urn, inputs) =>
      isCustomerUrn(urn) ? withDeps(urn, (d) => customer.create(inputs, deps(d))) : pbx.create!(urn, inputs),
    update: (id, urn, olds, news) =>
      isCustomerUrn(urn) ? customer.update(id, olds as CustomerState, news) : pbx.update!(id, urn, olds, news),
    // A preview creates nothing: the id the portal gives is not known until `up` (check said what `up` will do).
    previewCreate: async (urn, inputs) =>
      isCustomerUrn(urn)
        ? { id: "", outs: { ...inputs, partnerId: UNKNOWN, userType: UNKNOWN, adopted: UNKNOWN } }
        : pbx.previewCreate(urn, inputs),
    // Update makes no call (only sendActivationEmail may change), so its preview is the update itself.
    previewUpdate: async (id, urn, olds, news) =>
      isCustomerUrn(urn)
        ? { id, ...(await customer.update(id, olds as unknown as CustomerState, news)) }
        : pbx.previewUpdate(id, urn, olds, news),
    read: (id, urn, props) =>
      isCustomerUrn(urn)
        ? withDeps(urn, async (d) => {
            const state = props && Object.keys(props).length > 0 ? (props as CustomerState) : undefined;
            const r = await customer.read(id, state, deps(d));
            return r.id ? { id: r.id, props: r.props, inputs: r.inputs } : { id: "", props: {} };
          })
        : pbx.read!(id, urn, props),
    delete: (id, urn, props) =>
      isCustomerUrn(urn)
        ? withDeps(urn, (d) => customer.remove(id, props as Partial<CustomerState>, deps(d)))
        : pbx.delete!(id, urn, props),
  };
}

export { STORED_FIELDS };
