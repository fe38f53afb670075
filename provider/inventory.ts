/**
 * What a partner account holds, read-only and in our own terms: regions, billing contacts, subordinate users and
 * PBXs described with the same values a `PSeriesCloudPbx` takes. Shared by the program lookups (`lookups.ts`) and
 * the `yeastar-pseries` command line; both hand in the client, so this module knows nothing of where credentials
 * come from.
 */
import { SERVICES, planNameOf, type BillingCycle, type PlanName } from "./api/catalog";
import { allEntries, findByIdOrName } from "./api/paging";
import type { PartnerApi } from "./api/partner-api";
import type { ProductDetail, ProductInfo, RegionInfo, SubordinateUser } from "./api/schemas";

export interface RegionResult {
  /** Region id (a decimal string). */
  id: string;
  name: string;
  /** The region's domain groups; a PBX URL is `<subdomain>.<one of the suffixes>`. */
  domains: Array<{ pbxSubDomainId: string; suffixes: string[] }>;
}

export interface BillingContactResult {
  /** Billing contact id (a decimal string); `billingContact` accepts it or the email. */
  id: string;
  email: string;
  company: string;
  firstName: string;
  lastName: string;
}

export interface SubordinateUserResult {
  /** Partner id (a decimal string); `owner` accepts it or the email. */
  partnerId: string;
  email: string;
  company: string;
  userType: string;
}

/** A PBX of the account, with the values a `PSeriesCloudPbx` declaring it would carry. */
export interface PbxResult {
  /** Serial number (SN, the API's `productNo`). */
  serialNumber: string;
  instanceId: string;
  pbxName: string;
  /** Full host name. */
  pbxUrl: string;
  /** The URL without the domain suffix (the resource's `subdomain`). */
  subdomain: string;
  /** The domain suffix of the URL (the resource's `domain`); "" when the region list does not offer it. */
  domainSuffix: string;
  regionId: string;
  /** "" when the region list does not know the PBX's region. */
  regionName: string;
  pbxSubDomainId: string;
  /** Plan in force; undefined for a plan id this package does not know. */
  plan?: PlanName;
  planId: string;
  /** Plan a downgrade will switch to at the end of the term ("" when none is waiting; product detail only). */
  pendingPlan: string;
  billingCycle: BillingCycle | string;
  extensions: number;
  highAvailability: boolean;
  recordingMinutes: number;
  expireDate: string;
  /** `active`, `pending` or `failed` as the portal reports it. */
  status: string;
  /** Partner id of the subordinate user the PBX is assigned to ("" when none). */
  ownerId: string;
  /** That user's email, when the subordinate user list has it. */
  ownerEmail: string;
  comment: string;
}

export interface PbxFilter {
  /** Region name (any case) or id. */
  region?: string;
  /** Subordinate user's partner id or email (any case). */
  owner?: string;
}

export async function regions(api: PartnerApi): Promise<RegionResult[]> {
  return (await api.listRegions()).map((r) => ({
    id: r.id,
    name: r.name,
    domains: r.region.map((d) => ({ pbxSubDomainId: d.pbxSubDomainId, suffixes: [...d.pbxSubDomain] })),
  }));
}

export async function billingContacts(api: PartnerApi): Promise<BillingContactResult[]> {
  return (await api.listBillingContacts()).map((c) => ({
    id: c.billingContactId,
    email: c.emailAddress,
    company: c.company ?? "",
    firstName: c.firstName ?? "",
    lastName: c.lastName ?? "",
  }));
}

export async function subordinateUsers(api: PartnerApi): Promise<SubordinateUserResult[]> {
  return (await api.listSubordinateUsers()).map((u) => ({
    partnerId: u.partnerId,
    email: u.email ?? "",
    company: u.company ?? "",
    userType: u.userType ?? "",
  }));
}

/** Every PBX of the account (all pages), optionally only one region's or one owner's. */
export async function listPbxs(api: PartnerApi, filter: PbxFilter = {}): Promise<PbxResult[]> {
  // Both lists are cached by the client, and owners are shown by email, so they are always read.
  const [regionList, users] = await Promise.all([api.listRegions(), api.listSubordinateUsers()]);
  const regionId = filter.region === undefined ? undefined : findRegion(regionList, filter.region).id;
  const ownerId = filter.owner === undefined ? undefined : findUser(users, filter.owner).partnerId;
  const products: ProductInfo[] = [];
  for await (const p of allEntries((page) => api.listProducts(page))) products.push(p);
  return products
    .filter(
      (p) => (regionId === undefined || p.regionId === regionId) && (ownerId === undefined || p.assignId === ownerId),
    )
    .map((p) => describePbx(p, regionList, users));
}

export type GetPbxArgs = { url: string; serialNumber?: undefined } | { serialNumber: string; url?: undefined };

/** One PBX by URL or by serial number; throws when the account has no such PBX. */
export async function getPbx(api: PartnerApi, args: GetPbxArgs): Promise<PbxResult> {
  const url = typeof args?.url === "string" ? args.url.trim() : undefined;
  const serialNumber = typeof args?.serialNumber === "string" ? args.serialNumber.trim() : undefined;
  if ((url === undefined) === (serialNumber === undefined) || url === "" || serialNumber === "") {
    throw new Error(
      `getPbx: give exactly one of "url" (the PBX host name) or "serialNumber" (its SN), got ${JSON.stringify(args)}`,
    );
  }
  let product: ProductInfo | ProductDetail | undefined;
  if (url !== undefined) {
    product = await api.findProductByUrl(url);
    if (!product) throw new Error(`getPbx: your Partner Portal account has no PBX with URL ${JSON.stringify(url)}`);
  } else {
    product = await api.getProduct(serialNumber!);
    if (!product) {
      throw new Error(
        `getPbx: your Partner Portal account has no PBX with serial number ${JSON.stringify(serialNumber)}`,
      );
    }
  }
  const [regionList, users] = await Promise.all([api.listRegions(), api.listSubordinateUsers()]);
  return describePbx(product, regionList, users);
}

/** A product of the list or its detail, in the resource's terms. Pure. */
export function describePbx(
  p: ProductInfo | ProductDetail,
  regionList: readonly RegionInfo[],
  users: readonly SubordinateUser[],
): PbxResult {
  const region = regionList.find((r) => r.id === p.regionId);
  const host = p.pbxUrl.trim().toLowerCase().replace(/\.$/, "");
  const group = region?.region.find((g) => g.pbxSubDomainId === p.pbxSubDomainId);
  // The longest suffix that ends the URL wins, so "eu.example.com" beats "example.com" if both are offered.
  const suffix =
    [...(group?.pbxSubDomain ?? []), ...(region?.region.flatMap((g) => g.pbxSubDomain) ?? [])]
      .filter((s) => host.endsWith(`.${s.toLowerCase()}`))
      .sort((a, b) => b.length - a.length)[0] ?? "";
  const subdomain = suffix ? host.slice(0, host.length - suffix.length - 1) : host.split(".")[0];
  const services = new Map(p.services.map((s) => [s.serviceId, s.quantity]));
  const owner = p.assignId ? users.find((u) => u.partnerId === p.assignId) : undefined;
  const plan = planNameOf(p.planId);
  return {
    serialNumber: p.productNo,
    instanceId: p.instanceId,
    pbxName: p.pbxName,
    pbxUrl: p.pbxUrl,
    subdomain,
    domainSuffix: suffix,
    regionId: p.regionId,
    regionName: region?.name ?? "",
    pbxSubDomainId: p.pbxSubDomainId,
    ...(plan ? { plan } : {}),
    planId: p.planId,
    pendingPlan: "currentPlan" in p && typeof p.currentPlan === "string" ? p.currentPlan : "",
    billingCycle: p.billingCycle,
    extensions: p.extensions,
    highAvailability: (services.get(SERVICES.highAvailability) ?? 0) > 0,
    recordingMinutes: services.get(SERVICES.recordingMinutes) ?? 0,
    expireDate: p.expireDate,
    status: p.status,
    ownerId: p.assignId ?? "",
    ownerEmail: owner?.email ?? "",
    comment: p.comment ?? "",
  };
}

export function findRegion(regionList: readonly RegionInfo[], wanted: string): RegionInfo {
  const hit = findByIdOrName(regionList, wanted, "id", "name");
  if (!hit) {
    throw new Error(
      `region ${JSON.stringify(wanted)} is not in the region list; expected one of ${regionList
        .map((r) => `"${r.name}" (id ${r.id})`)
        .join(", ")}`,
    );
  }
  return hit;
}

export function findUser(users: readonly SubordinateUser[], wanted: string): SubordinateUser {
  const hit = findByIdOrName(users, wanted, "partnerId", "email");
  if (!hit) {
    throw new Error(
      `owner ${JSON.stringify(wanted)} is not one of your subordinate users; expected the partner id or email of one of: ${
        users.map((u) => `${u.email || "(no email)"} (${u.partnerId})`).join(", ") || "(none)"
      }`,
    );
  }
  return hit;
}

/** The outcome of choosing the billing contact for an imported PBX (`chooseBillingContact`). */
export type ContactChoice =
  | { contact: BillingContactResult; listed: string }
  | { contact?: undefined; listed: string; problem: "unknown" | "ambiguous" };

/**
 * The billing contact for an imported PBX's future orders, for both import paths: the one `wanted` names (id or
 * email), or, when none is named, the account's only one. The portal does not say which contact pays for a PBX.
 * `listed` shows every contact of the account for a message.
 */
export function chooseBillingContact(contacts: readonly BillingContactResult[], wanted?: string): ContactChoice {
  const listed = contacts.map((c) => `${c.email} (${c.id})`).join(", ") || "(none)";
  if (wanted !== undefined) {
    const contact = findByIdOrName(contacts, wanted, "id", "email");
    return contact ? { contact, listed } : { listed, problem: "unknown" };
  }
  return contacts.length === 1 ? { contact: contacts[0], listed } : { listed, problem: "ambiguous" };
}

/** The arguments of a `PSeriesCloudPbx` that declares a PBX of the account with the values it has now. */
export type ImportArgs = {
  pbxName: string;
  subdomain: string;
  region: string;
  domain: string;
  plan: string;
  extensions: number;
  billingCycle: string;
  highAvailability: boolean;
  recordingMinutes: number;
  billingContact: string;
  owner?: string;
};

/**
 * A PBX in the resource's arguments, for both ways of importing one (`yeastar-pseries import` and
 * `pulumi import`, provider/pbx/read-by-id.ts); call it for a PBX `unimportable` accepts. `domain` is always the
 * suffix the PBX's URL ends with: an omitted one means "the region's first suffix", which the portal may change
 * later, and a PBX whose URL no longer matches the program's would need a second purchase. `owner` is left out,
 * with a note saying why, when the PBX's subordinate user is not in the account's list.
 */
export function importArgsOf(p: PbxResult, billingContact: string): { args: ImportArgs; notes: string[] } {
  const args: ImportArgs = {
    pbxName: p.pbxName,
    subdomain: p.subdomain,
    region: p.regionName,
    domain: p.domainSuffix,
    plan: p.plan ?? "",
    extensions: p.extensions,
    billingCycle: p.billingCycle,
    highAvailability: p.highAvailability,
    recordingMinutes: p.recordingMinutes,
    billingContact,
  };
  const notes: string[] = [];
  if (p.ownerEmail) args.owner = p.ownerEmail;
  else if (p.ownerId) {
    notes.push(
      `PBX ${p.pbxUrl} is assigned to partner ${p.ownerId}, who is not in your subordinate user list; left out "owner"`,
    );
  }
  return { args, notes };
}

/** Why a PBX cannot be declared with its current values, or undefined when it can. */
export function unimportable(p: PbxResult): string | undefined {
  if (p.status !== "active") {
    return `status is "${p.status}"; only active PBXs are imported (run again once its order has settled)`;
  }
  if (!p.plan) return `plan id ${p.planId} is not a plan this package knows (enterprise or ultimate)`;
  if (!p.regionName) return `region id ${p.regionId} is not in the region list`;
  if (!p.domainSuffix) return `its URL does not end with a domain suffix of region "${p.regionName}"`;
  if (p.pendingPlan) return `a plan switch to "${p.pendingPlan}" is waiting for the end of the term`;
  return undefined;
}
