/**
 * The Customer provider logic (a subordinate user of the partner account) behind the dynamic provider
 * (`provider.ts`) and the native plugin. The API can create a subordinate user and read it, nothing else: a change
 * fails in check naming the field (change it in the Partner Portal, then `pulumi refresh`), and a destroy deletes
 * nothing and says so (docs/architecture.md, "Customers").
 */
import type * as pulumi from "@pulumi/pulumi";
import { asCustomerApi, type CustomerApi } from "../api/customer-api";
import type { NewSubordinateUser, SubordinateUser } from "../api/schemas";
import { YeastarError } from "../client/errors";
import { withRecordedConfigAdvice } from "../client/recorded-config";
import { DRY_RUN_KEY, UNKNOWN } from "../api/inputs";
import { show } from "../runtime/field-failures";
import {
  configure as configureSettings,
  currentSettings,
  report,
  resolveApi,
  type Reporter,
  type SettingsConfig,
} from "../runtime/settings";
import {
  CUSTOMER_INPUT_KEYS,
  customerStateOf,
  STORED_FIELDS,
  validateCustomer,
  type CustomerInputs,
  type CustomerState,
  type MaybeCustomerInputs,
} from "./inputs";

export interface CustomerDeps {
  api: () => CustomerApi;
  report: Reporter;
}

export function defaultCustomerDeps(): CustomerDeps {
  return { api: () => asCustomerApi(resolveApi()), report: report() };
}

type CheckResult = pulumi.dynamic.CheckResult<Record<string, unknown>>;

const sameEmail = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

function allKnown(inputs: MaybeCustomerInputs): inputs is CustomerInputs {
  return Object.values(inputs).every((v) => v !== UNKNOWN);
}

function oldInputsOf(olds: Record<string, unknown>): Partial<CustomerInputs> | undefined {
  return typeof olds?.email === "string" && olds.email !== "" ? (olds as Partial<CustomerInputs>) : undefined;
}

/** Fields whose value differs between two input sets (empty and missing are the same). */
export function changedFields(olds: Partial<CustomerInputs>, news: Partial<CustomerInputs>): (keyof CustomerInputs)[] {
  const norm = (v: unknown) => (v === undefined || v === null || v === "" ? "" : String(v));
  return STORED_FIELDS.filter((k) =>
    k === "email" ? !sameEmail(norm(olds.email), norm(news.email)) : norm(olds[k]) !== norm(news[k]),
  );
}

/** Why a change cannot be made: the API has no endpoint to change a subordinate user. */
export function changeFailures(
  olds: Partial<CustomerInputs>,
  news: Partial<MaybeCustomerInputs>,
): pulumi.dynamic.CheckFailure[] {
  const known = Object.fromEntries(Object.entries(news).filter(([, v]) => v !== UNKNOWN)) as Partial<CustomerInputs>;
  return changedFields(olds, { ...olds, ...known }).map((k) => ({
    property: k,
    reason:
      `${k} is ${show(news[k])}, was ${show(olds[k])}; the Partner API cannot change a subordinate user` +
      (k === "email" ? " or give it another Yeastar ID (declare a new Customer for another customer)" : "") +
      `. Change it in the Partner Portal, then run \`pulumi refresh\`, or put back the old value`,
  }));
}

/**
 * Validates the inputs and, for a new customer, the country against the portal's list. `DRY_RUN_KEY` in the news
 * (the dynamic resource's preview flag, as the PBX's) says a preview is running: only then does check say what
 * `up` will do (`announce`), so an `up` does not print a preview's line. The native plugin announces in its
 * preview's create instead (provider/native/customer.ts), since its check cannot tell a preview from an update.
 */
export async function check(
  rawOlds: Record<string, unknown>,
  rawNews: Record<string, unknown>,
  deps: CustomerDeps = defaultCustomerDeps(),
): Promise<CheckResult> {
  const { [DRY_RUN_KEY]: dryRun, ...news } = rawNews ?? {};
  const validated = validateCustomer(news);
  if (!validated.inputs) return { failures: validated.failures };
  const inputs = validated.inputs;
  const olds = oldInputsOf(rawOlds);
  if (olds) {
    const failures = changeFailures(olds, inputs);
    if (failures.length > 0) return { failures };
    return { inputs: clean(inputs) };
  }
  if (!allKnown(inputs)) return { inputs: clean(inputs) };
  // A new customer: the country must be one the portal's country list names (its spelling is what save_user takes).
  const api = deps.api();
  const countries = await api.listCountries(inputs.country.trim());
  const country = countries.results.find((c) => c.name.toLowerCase() === inputs.country.trim().toLowerCase());
  if (!country) {
    const near = countries.results.slice(0, 10).map((c) => `"${c.name}"`);
    return {
      failures: [
        {
          property: "country",
          reason: `country is ${show(inputs.country)}; expected a country name from the Partner Portal's country list${near.length > 0 ? ` (for example ${near.join(", ")})` : ""}`,
        },
      ],
    };
  }
  if (dryRun === true) await announce(inputs, deps);
  return { inputs: clean({ ...inputs, country: country.name }) };
}

/** One line in a preview for a customer to be created: whether `up` records a user already there or creates one. */
export async function announce(inputs: Pick<CustomerInputs, "email">, deps: CustomerDeps): Promise<void> {
  const existing = (await deps.api().listSubordinateUsers()).find((u) => sameEmail(u.email, inputs.email));
  deps.report.info(
    existing
      ? `Customer ${inputs.email}: already a subordinate user of your account (partner id ${existing.partnerId}); \`pulumi up\` will record it, creating nothing`
      : `Customer ${inputs.email}: \`pulumi up\` will create this subordinate user (no order, no charge)`,
  );
}

function clean<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function inputsOf(raw: Record<string, unknown>): CustomerInputs {
  return Object.fromEntries(
    CUSTOMER_INPUT_KEYS.map((k) => [k, raw[k]]).filter(([, v]) => v !== undefined),
  ) as CustomerInputs;
}

/** The user as inputs: what the program would have to say for no diff. */
function inputsFromUser(user: SubordinateUser, keep: Partial<CustomerInputs> = {}): CustomerInputs {
  const s = (k: string) => {
    const v = (user as Record<string, unknown>)[k];
    return typeof v === "string" && v !== "" ? v : undefined;
  };
  return clean({
    email: user.email,
    company: user.company,
    country: s("country") ?? keep.country ?? "",
    firstName: s("firstName"),
    lastName: s("lastName"),
    phoneNumber: s("phoneNumber"),
    stateProvince: s("stateProvince"),
    city: s("city"),
    street: s("street"),
    zipCode: s("zipCode"),
    remark: s("remark"),
    taxType: keep.taxType, // not in the user info the API returns
    taxNum: s("taxNum"),
    sendActivationEmail: keep.sendActivationEmail ?? false,
  }) as CustomerInputs;
}

function stateOf(inputs: CustomerInputs, user: SubordinateUser, adopted: boolean): CustomerState {
  return clean({ ...inputs, partnerId: user.partnerId, userType: user.userType ?? "", adopted }) as CustomerState;
}

export function saveUserBody(inputs: CustomerInputs): NewSubordinateUser {
  return clean({
    userType: "Customer" as const,
    yeastarId: inputs.email.trim(),
    company: inputs.company,
    country: inputs.country,
    firstName: inputs.firstName,
    lastName: inputs.lastName,
    phoneNumber: inputs.phoneNumber,
    stateProvince: inputs.stateProvince,
    city: inputs.city,
    street: inputs.street,
    zipCode: inputs.zipCode,
    remark: inputs.remark,
    taxType: inputs.taxType,
    taxNum: inputs.taxNum,
    sendUserActivationEmail: inputs.sendActivationEmail,
  });
}

async function findByEmail(api: CustomerApi, email: string): Promise<SubordinateUser | undefined> {
  return (await api.refreshSubordinateUsers()).find((u) => sameEmail(u.email, email));
}

/**
 * Creates the subordinate user, or records the one with this email. `save_user` is sent once and returns no id;
 * the id comes from the list read afresh. After a failure the list is read before the error is passed on: a
 * request that reached the portal is recorded, never sent again.
 */
export async function create(
  raw: Record<string, unknown>,
  deps: CustomerDeps = defaultCustomerDeps(),
): Promise<{ id: string; outs: CustomerState }> {
  const inputs = inputsOf(raw);
  const api = deps.api();
  const existing = await findByEmail(api, inputs.email);
  if (existing) {
    deps.report.warn(
      `Customer ${inputs.email} is already a subordinate user of your account (partner id ${existing.partnerId}); recorded it, created nothing`,
    );
    return { id: existing.partnerId, outs: stateOf(inputs, existing, true) };
  }
  try {
    await api.createSubordinateUser(saveUserBody(inputs));
  } catch (err) {
    const found = await findByEmail(api, inputs.email).catch(() => undefined);
    if (found) return { id: found.partnerId, outs: stateOf(inputs, found, false) };
    if (err instanceof YeastarError && err.ambiguous) {
      throw new Error(
        `Customer ${inputs.email}: the create request may have reached the Partner Portal, and the user is not in the list yet; run \`pulumi up\` again: it looks the email up before creating (${err.message.split(". ")[0]})`,
      );
    }
    throw err;
  }
  const created = (await findByEmail(api, inputs.email)) ?? (await api.getSubordinateUser(inputs.email));
  if (!created) {
    throw new Error(
      `Customer ${inputs.email}: the Partner Portal accepted the new user but does not list it yet; run \`pulumi up\` again (it will record the user, not create a second one)`,
    );
  }
  return { id: created.partnerId, outs: stateOf(inputs, created, false) };
}

export function diff(_id: string, rawOlds: object, news: Record<string, unknown>): pulumi.dynamic.DiffResult {
  const olds: Partial<CustomerState> = customerStateOf(rawOlds) ?? {};
  const next = inputsOf(news);
  const changed = changedFields(olds, next);
  const flag = (olds.sendActivationEmail ?? false) !== (next.sendActivationEmail ?? false);
  return { changes: changed.length > 0 || flag };
}

/** Only `sendActivationEmail` can change (it is used at creation only); anything else the API cannot change. */
export async function update(
  _id: string,
  rawOlds: object,
  news: Record<string, unknown>,
): Promise<{ outs: CustomerState }> {
  const olds = customerStateOf(rawOlds);
  const next = inputsOf(news);
  if (!olds) throw new Error("internal error: a Customer update without a stored state; run `pulumi refresh`");
  const failures = changeFailures(olds, next);
  if (failures.length > 0) throw new Error(failures.map((f) => f.reason).join("; "));
  return { outs: { ...olds, ...next } };
}

/**
 * A refresh reads the user by partner id; an import (no state) finds it by partner id or email. The inputs come
 * back as the portal has them, so a refreshed state previews no change for a program that says the same.
 */
export async function read(
  id: string,
  rawProps: object | undefined,
  deps: CustomerDeps = defaultCustomerDeps(),
): Promise<pulumi.dynamic.ReadResult<CustomerState>> {
  const props = customerStateOf(rawProps);
  const api = deps.api();
  const key = props?.partnerId || id;
  let user: SubordinateUser | undefined;
  try {
    user =
      (await api.getSubordinateUser(key)) ??
      (await api.refreshSubordinateUsers()).find((u) => u.partnerId === key || sameEmail(u.email, key));
  } catch (err) {
    throw withRecordedConfigAdvice(err, currentSettings().baseUrl);
  }
  if (!user) {
    if (props?.partnerId) {
      deps.report.warn(
        `Customer ${props.email} (partner id ${props.partnerId}) is no longer a subordinate user of your account; removing it from the stack.`,
      );
      return {};
    }
    throw new Error(
      `no subordinate user with partner id or email ${JSON.stringify(id)} in your Partner Portal account`,
    );
  }
  const inputs = inputsFromUser(user, props ?? {});
  const state = stateOf(inputs, user, props ? props.adopted : true);
  return { id: user.partnerId, props: state, inputs: inputs as unknown as CustomerState };
}

export function deleteMessage(s: Partial<CustomerState>): string {
  return (
    `Customer ${s.email || "(unknown email)"} (partner id ${s.partnerId || "unknown"}) was removed from this stack but NOT deleted: ` +
    "the Yeastar Partner API has no way to delete a subordinate user, so the user and the PBXs assigned to it stay in your account. " +
    "Remove the user in the Partner Portal if that is what you meant."
  );
}

export async function remove(
  _id: string,
  props: object | undefined,
  deps: CustomerDeps = defaultCustomerDeps(),
): Promise<void> {
  deps.report.warn(deleteMessage(customerStateOf(props) ?? {}));
}

/**
 * create in a preview (the native plugin): says what `up` will do (check cannot: the protocol does not tell it a
 * preview from an update); the id the portal gives is not known until `up`.
 */
export async function previewCreate(
  raw: Record<string, unknown>,
  deps: CustomerDeps = defaultCustomerDeps(),
): Promise<{ id: string; outs: Record<string, unknown> }> {
  await announce(inputsOf(raw), deps);
  return { id: "", outs: { ...raw, partnerId: UNKNOWN, userType: UNKNOWN, adopted: UNKNOWN } };
}

/** The provider's `configure()`: the stack config the settings are read from (runtime/settings.ts). */
export function configure(config?: SettingsConfig): void {
  configureSettings(config);
}
