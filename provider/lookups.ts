/**
 * Lookups for Pulumi programs, the way data sources work in other providers: read-only questions to the Partner
 * Portal, each as an async function and as an `...Output` form that takes and returns Outputs.
 *
 * They use the resource's credentials and client: stack config `yeastar:clientId`, `yeastar:clientSecret`,
 * `yeastar:baseUrl`, else `YEASTAR_CLIENT_ID`, `YEASTAR_CLIENT_SECRET`, `YEASTAR_BASE_URL` (see
 * `runtime/settings.ts`), and the shared client with its token cache, retries and redaction. Nothing here orders.
 */
import * as pulumi from "@pulumi/pulumi";
import { asCustomerApi } from "./api/customer-api";
import type { PartnerApi } from "./api/partner-api";
import * as inventory from "./inventory";
import type {
  BillingContactResult,
  GetPbxArgs,
  PbxFilter,
  PbxResult,
  RegionResult,
  SubordinateUserResult,
} from "./inventory";
import { configure, resolveApi } from "./runtime/settings";
import { isExpected } from "./runtime/shown-once";

/** The client for the program's stack config (secrets included, read raw) or the environment. */
function api(): PartnerApi {
  configure({ get: (key) => pulumi.runtime.getConfig(key) });
  return resolveApi();
}

/**
 * Runs one lookup. A failure the user can fix (refused credentials, an unreachable portal, a missing setting, an
 * unknown PBX) ends the program with its message alone: as a `pulumi.RunError`, which the program host prints
 * without a stack trace or a dump of the error's fields. The original error is its `cause`.
 */
async function lookup<T>(run: (client: PartnerApi) => Promise<T>): Promise<T> {
  try {
    return await run(api());
  } catch (err) {
    if (!isExpected(err)) throw err;
    // Lookups that fail for one reason (one refused token request) end the program with one message: the program
    // host reports each error object once.
    let runError = asRunError.get(err);
    if (!runError) {
      runError = new pulumi.RunError(err.message, { cause: err });
      asRunError.set(err, runError);
    }
    throw runError;
  }
}
const asRunError = new WeakMap<Error, Error>();

/** Regions and their domain suffixes. */
export async function getRegions(): Promise<RegionResult[]> {
  return lookup((client) => inventory.regions(client));
}
export function getRegionsOutput(): pulumi.Output<RegionResult[]> {
  return pulumi.output(getRegions());
}

/** Billing contacts of the partner account (`billingContact` takes an id or email from here). */
export async function getBillingContacts(): Promise<BillingContactResult[]> {
  return lookup((client) => inventory.billingContacts(client));
}
export function getBillingContactsOutput(): pulumi.Output<BillingContactResult[]> {
  return pulumi.output(getBillingContacts());
}

/** Subordinate users (customers; `owner` takes a partner id or email from here). */
export async function getSubordinateUsers(): Promise<SubordinateUserResult[]> {
  return lookup((client) => inventory.subordinateUsers(client));
}
export function getSubordinateUsersOutput(): pulumi.Output<SubordinateUserResult[]> {
  return pulumi.output(getSubordinateUsers());
}

/**
 * One customer (subordinate user) by partner id or email, read afresh from the portal; fails when there is none.
 * To manage one in a program, declare a `Customer` (with `import: <partner id or email>` for an existing one).
 */
export async function getCustomer(idOrEmail: string): Promise<SubordinateUserResult> {
  const client = asCustomerApi(api());
  const key = idOrEmail.trim();
  const user = await client.getSubordinateUser(key);
  if (!user) throw new Error(`getCustomer: no subordinate user with partner id or email ${JSON.stringify(key)}`);
  return {
    partnerId: user.partnerId,
    email: user.email ?? "",
    company: user.company ?? "",
    userType: user.userType ?? "",
  };
}
export function getCustomerOutput(idOrEmail: pulumi.Input<string>): pulumi.Output<SubordinateUserResult> {
  return pulumi.output(idOrEmail).apply(getCustomer);
}

/** One PBX of the account, by URL (`{ url }`) or serial number (`{ serialNumber }`); fails when there is none. */
export async function getPbx(args: GetPbxArgs): Promise<PbxResult> {
  return lookup((client) => inventory.getPbx(client, args));
}
export type GetPbxOutputArgs = { url: pulumi.Input<string> } | { serialNumber: pulumi.Input<string> };
export function getPbxOutput(args: GetPbxOutputArgs): pulumi.Output<PbxResult> {
  return pulumi
    .output(args as pulumi.Input<Record<string, pulumi.Input<string>>>)
    .apply((plain) => getPbx(plain as unknown as GetPbxArgs));
}

/** Every PBX of the account, optionally of one region (name or id) or one owner (partner id or email). */
export async function listPbxs(filter: PbxFilter = {}): Promise<PbxResult[]> {
  return lookup((client) => inventory.listPbxs(client, filter));
}
export function listPbxsOutput(
  filter: { region?: pulumi.Input<string>; owner?: pulumi.Input<string> } = {},
): pulumi.Output<PbxResult[]> {
  return pulumi.output(filter).apply((plain) => listPbxs(plain));
}
