/**
 * The Pulumi package schema of the native provider plugin (`pulumi-resource-yeastar`): what Pulumi YAML checks
 * programs against and what `pulumi import` generates code from. Derived from the definitions the engine itself
 * validates with (provider/api/inputs.ts: `PbxInputsSchema`, `INPUT_KEYS`, `OUTPUT_KEYS`), so a new input or output
 * cannot be missed here: the tables below are typed by those keys, and test/unit/native/schema.test.ts checks the
 * schema against the engine's validation and its states.
 */
import { z } from "zod";
import { INPUT_KEYS, OUTPUT_KEYS, PbxInputsSchema, UNKNOWN, type InputKey, type OutputKey } from "../api/inputs";
import { NATIVE_PBX_TYPE, PACKAGE, resourceTokens } from "../api/contract";
import { DEFAULT_BASE_URL } from "../runtime/settings";
import { CUSTOMER_TYPE, customerResourceSchema } from "./customer";
import { EXTENSION_TYPE, extensionResourceSchema } from "./extension";
import { INBOUND_ROUTE_TYPE, inboundRouteResourceSchema } from "./inbound-route";
import type { PropertySpec } from "./types";

export const PBX_TYPE = NATIVE_PBX_TYPE;
const ORDER_RECORD_TYPE = resourceTokens("OrderRecord").native;
const PLANNED_ORDER_TYPE = resourceTokens("PlannedOrder").native;
/**
 * The Go module path of the Go SDK generated from this schema (sdk/go/yeastar, docs/yaml-and-sdks.md, "SDKs for other languages").
 * It names no host: the module is not published, so a program requires it with a `replace` to its folder.
 */
export const GO_MODULE = "pulumi-yeastar-pseries/sdk/go/yeastar";

/** Outputs a state may leave out: the preview-only ones, an expiry the portal has not given, a trial's end on a paid PBX. */
const OPTIONAL_OUTPUTS = new Set<string>(["plannedOrders", "priceEstimate", "expiresOn", "trialEndsOn"]);

/** One line per input; the types, ranges, defaults and which are required come from `PbxInputsSchema`. */
const INPUT_DESCRIPTIONS: Record<InputKey, string> = {
  pbxName: "Display name on Yeastar Central Management (1..64 characters). Changing it needs a new PBX.",
  subdomain:
    "URL prefix (a DNS label, 3..63 characters); with the domain suffix it makes `pbxUrl`. Changing it needs a new PBX.",
  region: 'Region name (e.g. "Europe") or id, from the Partner Portal\'s region list. Changing it needs a new PBX.',
  domain: "Domain suffix within the region; defaults to the region's first suffix. Changing it needs a new PBX.",
  plan: "Plan. A change places a plan-switch order.",
  extensions: "Extensions. Raising places an Extension Expansion order; lowering fails (the API cannot reduce).",
  billingCycle: "Billing cycle. Cannot be changed through the API.",
  highAvailability: "High Availability (charged per extension). Turning it on places an order; turning it off fails.",
  recordingMinutes: "Call recording minutes. Raising places an order; lowering fails.",
  billingContact:
    "Billing contact id or email (from the Partner Portal's billing contacts). Used for future orders only.",
  owner: "Subordinate user (customer) who receives the PBX: partner id or email. Used for future orders only.",
  poNumber: "Your purchase-order number, sent with every order.",
  allowRepurchase: "Allow a change of name, subdomain, domain or region, which buys a second PBX.",
  autoRenew:
    "Auto-renewal at the end of each term. true enables it (no order, nothing charged now); false fails on a PBX " +
    "that has it on (the API cannot turn it off); left out, it is left as the portal has it.",
  renewThrough:
    "Keep the PBX paid through this date (YYYY-MM-DD): renew_plan orders, one term each, counted from the portal's " +
    "expiry, priced in the preview and placed once. A date in the past, or already covered when set, fails.",
  trial:
    "true buys a free trial (a trial_plan order, no add-ons); changing it to false converts the trial into a paid " +
    "PBX (a switchTrial_plan order, priced in the preview). A paid PBX cannot become a trial.",
  orderTimeoutSeconds: "How long create and update wait for an order to succeed before recording it as pending.",
};

const OUTPUTS: Record<OutputKey, PropertySpec> = {
  instanceId: { type: "string", description: "The instance id the order returned; also the resource id." },
  orderNo: { type: "string", description: 'Number of the purchase order ("" when an existing PBX was adopted).' },
  orderStatus: { type: "string", description: 'Status of the latest purchase order ("succeed", "pending", ...).' },
  productNo: { type: "string", description: "Serial number (SN) of the PBX; every later order uses it." },
  transactionNo: { type: "string", description: "Transaction number of the purchase order." },
  pbxUrl: { type: "string", description: "Full host name of the PBX: `<subdomain>.<domain suffix>`." },
  regionId: { type: "string", description: "Resolved region id (a decimal string)." },
  regionName: { type: "string", description: "Resolved region name." },
  domainSuffix: { type: "string", description: "Resolved domain suffix." },
  pbxSubDomainId: { type: "string", description: "Resolved sub-domain group id." },
  planId: { type: "string", description: "Resolved plan id." },
  billingContactId: { type: "string", description: "Resolved billing contact id." },
  assignId: { type: "string", description: 'Resolved subordinate user id ("" for none).' },
  expireDate: { type: "string", description: "Subscription expiry as the portal reports it (filled by refresh)." },
  expiresOn: {
    type: "string",
    description: 'The end of the paid term (or of the trial) as a date, YYYY-MM-DD ("" when the portal does not say).',
  },
  trialEndsOn: { type: "string", description: 'The last day of a trial, YYYY-MM-DD ("" for a paid PBX).' },
  status: { type: "string", description: "Status of the PBX as the portal reports it." },
  adopted: { type: "boolean", description: "True when an existing PBX was recorded instead of buying one." },
  orders: {
    type: "array",
    items: { $ref: `#/types/${ORDER_RECORD_TYPE}` },
    description: "Every order placed for this PBX.",
  },
  priceEstimate: { type: "string", description: "What the price API quoted for the purchase, when it answered." },
  plannedOrders: {
    type: "array",
    items: { $ref: `#/types/${PLANNED_ORDER_TYPE}` },
    description: "In a preview only: every order `pulumi up` will place for this PBX, with its quoted price.",
  },
};

/** Provider configuration: stack config `yeastar:<key>`, or the arguments of an explicit provider resource. */
export const CONFIG: Record<string, PropertySpec> = {
  clientId: { type: "string", description: "Partner Portal API Client ID (or YEASTAR_CLIENT_ID)." },
  clientSecret: {
    type: "string",
    secret: true,
    description: "Partner Portal API Client Secret (or YEASTAR_CLIENT_SECRET); set it with `--secret`.",
  },
  baseUrl: {
    type: "string",
    description: `Partner Portal API base URL (or YEASTAR_BASE_URL); default ${DEFAULT_BASE_URL}.`,
  },
  allowInsecureHttpForTesting: {
    type: "boolean",
    description:
      "Allow plain http to a non-loopback sandbox (testing only; or YEASTAR_ALLOW_INSECURE_HTTP_FOR_TESTING).",
  },
};

interface JsonSchemaProperty {
  anyOf?: JsonSchemaProperty[];
  const?: unknown;
  type?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  default?: unknown;
}

/** The schema of one input, from the branch of its zod definition that is not the engine's UNKNOWN marker. */
function inputSpec(key: InputKey, json: JsonSchemaProperty): PropertySpec {
  const branch = (json.anyOf ?? [json]).find((b) => b.const !== UNKNOWN) ?? {};
  const type = branch.type;
  if (type !== "string" && type !== "integer" && type !== "boolean") {
    throw new Error(`internal error: input ${key} has JSON schema type ${String(type)}, which the schema cannot map`);
  }
  const valid =
    branch.enum !== undefined
      ? ` One of ${branch.enum.map((v) => JSON.stringify(v)).join(", ")}.`
      : branch.minimum !== undefined && branch.maximum !== undefined
        ? ` ${branch.minimum}..${branch.maximum}.`
        : "";
  return {
    type,
    description: `${INPUT_DESCRIPTIONS[key]}${valid}`,
    ...(json.default !== undefined ? { default: json.default } : {}),
  };
}

export function inputProperties(): { properties: Record<InputKey, PropertySpec>; required: InputKey[] } {
  const json = z.toJSONSchema(PbxInputsSchema, { io: "input", unrepresentable: "any" }) as {
    properties: Record<string, JsonSchemaProperty>;
    required?: string[];
  };
  const properties = Object.fromEntries(INPUT_KEYS.map((k) => [k, inputSpec(k, json.properties[k] ?? {})])) as Record<
    InputKey,
    PropertySpec
  >;
  const required = INPUT_KEYS.filter((k) => (json.required ?? []).includes(k));
  return { properties, required };
}

/** The package schema, as `GetSchema` returns it. */
export function packageSchema(version: string): Record<string, unknown> {
  const inputs = inputProperties();
  const outputs: Record<string, PropertySpec> = { ...inputs.properties, ...OUTPUTS };
  const text = { type: "string" } as const;
  return {
    name: PACKAGE,
    displayName: "Yeastar P-Series Cloud Edition",
    version,
    description:
      "Buys and manages Yeastar P-Series Cloud Edition PBXs through the Yeastar Partner Portal API. A preview never buys; destroy cancels nothing.",
    config: { variables: CONFIG },
    language: {
      // The Go SDK's module path, its package name, and the plugin version it asks the engine for: this schema's.
      go: { importBasePath: GO_MODULE, rootPackageName: PACKAGE, respectSchemaVersion: true },
    },
    provider: {
      description: "The Yeastar Partner Portal credentials; by default from stack config `yeastar:*` or `YEASTAR_*`.",
      inputProperties: CONFIG,
      properties: Object.fromEntries(Object.entries(CONFIG).filter(([k]) => k !== "clientSecret")),
    },
    types: {
      [ORDER_RECORD_TYPE]: {
        type: "object",
        description: "An order placed for a PBX.",
        properties: { orderNo: text, operationType: text, orderStatus: text, summary: text },
        required: ["orderNo", "operationType", "orderStatus", "summary"],
      },
      [PLANNED_ORDER_TYPE]: {
        type: "object",
        description: "An order `pulumi up` will place, with the price API's quote.",
        properties: {
          operation: text,
          item: text,
          quantity: { type: "integer" },
          summary: text,
          price: text,
          amount: text,
          currency: text,
          period: text,
        },
        required: ["operation", "item", "quantity", "summary", "price"],
      },
    },
    resources: {
      [PBX_TYPE]: {
        description:
          "One Yeastar P-Series Cloud Edition PBX, bought through the Partner Portal API. " +
          `Import with \`pulumi import ${NATIVE_PBX_TYPE} <name> <instance id, serial number or URL>[/<billing contact>]\`.`,
        inputProperties: inputs.properties,
        requiredInputs: inputs.required,
        properties: outputs,
        required: [
          ...INPUT_KEYS.filter((k) => inputs.required.includes(k)),
          ...OUTPUT_KEYS.filter((k) => !OPTIONAL_OUTPUTS.has(k)),
        ],
      },
      [CUSTOMER_TYPE]: customerResourceSchema(),
      [EXTENSION_TYPE]: extensionResourceSchema(),
      [INBOUND_ROUTE_TYPE]: inboundRouteResourceSchema(),
    },
  };
}
