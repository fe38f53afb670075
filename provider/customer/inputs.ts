/**
 * Validation of Customer inputs (a subordinate user, the API's `save_user` body). Pure. Every failure names the
 * field, the bad value and what is valid.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { UNKNOWN } from "../api/inputs";
import { parseKnownInputs } from "../runtime/field-failures";

export const TAX_TYPES = ["VAT_number", "Tax_ID", "TIN_number", "RUC", "CUIT"] as const;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
const SAFE_TEXT = /^[^\u0000-\u001f\u007f<>`$\\{}]*$/u;
const PRINTABLE = "printable text without control characters or any of < > ` $ \\ { }";

const missing = (v: unknown) => (v === null || v === "" ? undefined : v);

function text(max: number, pattern = SAFE_TEXT, patternText = PRINTABLE) {
  const size = `a string of 1 to ${max} characters`;
  return z.union([
    z.literal(UNKNOWN),
    z
      .string({ error: (iss) => (iss.input == null ? `it is required: ${size}` : `expected ${size}`) })
      .refine((v) => v.trim() !== "", { error: `it is required: ${size}`, abort: true })
      .refine((v) => [...v].length <= max, { error: `expected at most ${max} characters`, abort: true })
      .refine((v) => pattern.test(v), { error: `expected ${patternText}`, abort: true }),
  ]);
}
const optional = (max: number) => z.preprocess(missing, text(max).optional());

export const CustomerInputsSchema = z.object({
  /** The customer's Yeastar ID: an email address. */
  email: text(254, EMAIL, "an email address (the customer's Yeastar ID)"),
  company: text(128),
  /** A country name as the Partner Portal's country list spells it, e.g. "Germany". */
  country: text(64),
  firstName: optional(64),
  lastName: optional(64),
  phoneNumber: optional(32),
  stateProvince: optional(64),
  city: optional(64),
  street: optional(128),
  zipCode: optional(16),
  remark: optional(255),
  taxType: z.preprocess(
    missing,
    z
      .union([
        z.literal(UNKNOWN),
        z.enum(TAX_TYPES, { error: `expected one of ${TAX_TYPES.map((t) => `"${t}"`).join(", ")}` }),
      ])
      .optional(),
  ),
  taxNum: optional(64),
  /** Whether the portal emails the customer an activation link when the user is created. Default false. */
  sendActivationEmail: z.preprocess(
    missing,
    z.union([z.literal(UNKNOWN), z.boolean({ error: "expected true or false" })]).default(false),
  ),
});

export type MaybeCustomerInputs = z.output<typeof CustomerInputsSchema>;
export type CustomerInputs = { [K in keyof MaybeCustomerInputs]: Exclude<MaybeCustomerInputs[K], typeof UNKNOWN> };
export const CUSTOMER_INPUT_KEYS = CustomerInputsSchema.keyof().options;

/** Fields the portal keeps; all but `sendActivationEmail`, which only matters when the user is created. */
export const STORED_FIELDS: readonly Exclude<keyof CustomerInputs, "sendActivationEmail">[] =
  CUSTOMER_INPUT_KEYS.filter((k) => k !== "sendActivationEmail");

export const CUSTOMER_OUTPUT_KEYS = ["partnerId", "userType", "adopted"] as const;

/** The state of a Customer: its inputs and what the portal gave it. */
export type CustomerState = CustomerInputs & { partnerId: string; userType: string; adopted: boolean };

/**
 * The one place the host's untyped bags become a `CustomerState`: the old state of diff and update (written by
 * create), and the props of read and delete, undefined when there are none (an import).
 */
export function customerStateOf(raw: object | undefined): CustomerState | undefined {
  return raw && Object.keys(raw).length > 0 ? (raw as CustomerState) : undefined;
}

export function validateCustomer(raw: Record<string, unknown>): {
  inputs?: MaybeCustomerInputs;
  failures: pulumi.dynamic.CheckFailure[];
} {
  const { data, failures } = parseKnownInputs(
    "Customer",
    CustomerInputsSchema,
    CUSTOMER_INPUT_KEYS,
    CUSTOMER_OUTPUT_KEYS,
    raw,
  );
  if (data && data.firstName === undefined && data.lastName === undefined) {
    return {
      failures: [
        {
          property: "firstName",
          reason: "firstName and lastName are both missing; the Partner Portal needs at least one of them",
        },
      ],
    };
  }
  return { failures, ...(data ? { inputs: data } : {}) };
}
