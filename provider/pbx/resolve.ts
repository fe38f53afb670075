/**
 * Resolving a PBX's names (region, domain suffix, billing contact, owner) to the portal's ids, for check. Reads
 * only. An existing PBX whose program omits `domain` keeps the suffix it was bought with, not the region's first
 * one today: the portal may reorder or change its list, and a new URL is a new PBX, a second purchase (docs/money.md,
 * "What costs money, and what destroy does not do"). `urlChangeFailure` is the last guard of that rule.
 */
import { PLANS } from "../api/catalog";
import { findByIdOrName } from "../api/paging";
import type { PartnerApi } from "../api/partner-api";
import type { RegionInfo } from "../api/schemas";
import { show, type CheckFailure } from "../runtime/field-failures";
import type { PbxInputs } from "../api/inputs";
import type { Resolved } from "../api/contract";

type RegionFields = Pick<Resolved, "regionId" | "regionName" | "pbxSubDomainId" | "domainSuffix">;

/** What the PBX already has: its resolved values, and the identity inputs whose change made check resolve again. */
export interface Existing {
  resolved: Resolved;
  changed: readonly string[];
}

function quoted(suffixes: readonly string[]): string {
  return suffixes.map((s) => `"${s}"`).join(", ") || "no domain suffix";
}

/**
 * The region and domain suffix. With `domain` named, that suffix; omitted, for a new PBX (or one moving to another
 * region) the region's first suffix, and for an existing PBX in the same region the suffix it has. A suffix the
 * region no longer offers fails, naming `domain`.
 */
export function resolveRegion(
  regions: readonly RegionInfo[],
  inputs: Pick<PbxInputs, "region" | "domain">,
  existing: Existing | undefined,
): { value?: RegionFields; failure?: CheckFailure } {
  const region = findByIdOrName(regions, inputs.region, "id", "name");
  if (!region) {
    return {
      failure: {
        property: "region",
        reason: `region is ${show(inputs.region)}; expected one of ${regions.map((r) => `"${r.name}" (id ${r.id})`).join(", ")}`,
      },
    };
  }
  const groups = region.region.flatMap((g) => g.pbxSubDomain.map((suffix) => ({ id: g.pbxSubDomainId, suffix })));
  const offered = quoted(groups.map((g) => g.suffix));
  const kept = !inputs.domain && existing?.resolved.regionId === region.id ? existing.resolved : undefined;
  const wanted = inputs.domain || kept?.domainSuffix;
  const group = wanted ? groups.find((g) => g.suffix === wanted) : groups[0];
  if (!group) {
    if (kept) {
      const undo = existing?.changed.length ? `undo the change to ${existing.changed.join(", ")}` : "change nothing";
      return {
        failure: {
          property: "domain",
          reason: `domain is omitted, so PBX ${kept.pbxUrl} keeps the domain suffix "${kept.domainSuffix}" it was bought with, but region "${region.name}" no longer offers that suffix (it offers ${offered}); nothing was ordered. To keep this PBX as it is, ${undo}; to buy a new PBX under another suffix (a second purchase while this one stays billed), set domain to one of those and allowRepurchase: true`,
        },
      };
    }
    return {
      failure: {
        property: "domain",
        reason: `domain is ${show(inputs.domain)}; region "${region.name}" offers ${offered}`,
      },
    };
  }
  return {
    value: { regionId: region.id, regionName: region.name, pbxSubDomainId: group.id, domainSuffix: group.suffix },
  };
}

/** Resolves every name of the inputs; on any failure, pushes it (naming the field) and returns undefined. */
export async function resolve(
  api: PartnerApi,
  inputs: PbxInputs,
  failures: CheckFailure[],
  existing?: Existing,
): Promise<Omit<Resolved, "adoptProductNo"> | undefined> {
  const regionResult = resolveRegion(await api.listRegions(), inputs, existing);
  if (regionResult.failure) failures.push(regionResult.failure);

  const contacts = await api.listBillingContacts();
  const contact = findByIdOrName(contacts, inputs.billingContact, "billingContactId", "emailAddress");
  if (!contact) {
    failures.push({
      property: "billingContact",
      reason: `billingContact is ${show(inputs.billingContact)}; expected the id or email of one of the billing contacts in the Partner Portal: ${contacts
        .map((c) => `${c.emailAddress} (${c.billingContactId})`)
        .join(", ")}`,
    });
  }

  let assignId = "";
  if (inputs.owner) {
    let users = await api.listSubordinateUsers();
    let user = findByIdOrName(users, inputs.owner, "partnerId", "email");
    // A Customer created earlier in this run is not in a list read before it: read the list once more.
    if (!user && api.refreshSubordinateUsers) {
      users = await api.refreshSubordinateUsers();
      user = findByIdOrName(users, inputs.owner, "partnerId", "email");
    }
    if (!user) {
      failures.push({
        property: "owner",
        reason: `owner is ${show(inputs.owner)}; expected the partner id or email of one of your subordinate users (${users.length} found)`,
      });
    } else {
      assignId = user.partnerId;
    }
  }
  const region = regionResult.value;
  if (!region || !contact || failures.length > 0) return undefined;
  return {
    ...region,
    pbxUrl: `${inputs.subdomain}.${region.domainSuffix}`,
    planId: PLANS[inputs.plan],
    billingContactId: contact.billingContactId,
    assignId,
  };
}

/**
 * The URL of an existing PBX resolved to something else: that needs a new PBX, a second purchase. The explicit
 * changes (subdomain, domain, region) have already failed in check unless `allowRepurchase`; this catches any
 * other way the URL could move (the portal's region list, state written by an older release), so a new URL without
 * `allowRepurchase` never reaches create. Pure.
 */
export function urlChangeFailure(
  old: Resolved,
  next: Resolved,
  inputs: Pick<PbxInputs, "subdomain" | "domain" | "allowRepurchase">,
  oldSubdomain: string,
): CheckFailure | undefined {
  if (inputs.allowRepurchase || old.pbxUrl === next.pbxUrl) return undefined;
  // The URL is the subdomain and the domain suffix: one of the two moved.
  const bySubdomain = inputs.subdomain !== oldSubdomain;
  const property = bySubdomain ? "subdomain" : "domain";
  const value = bySubdomain
    ? `subdomain ${show(inputs.subdomain)}`
    : `domain ${inputs.domain ? show(inputs.domain) : "(omitted)"}, resolved to the suffix "${next.domainSuffix}",`;
  const keep = bySubdomain ? `subdomain: "${oldSubdomain}"` : `domain: "${old.domainSuffix}"`;
  return {
    property,
    reason: `${value} gives the PBX URL ${next.pbxUrl}, but this PBX is ${old.pbxUrl}; a new URL needs a new PBX, which is a second purchase while the current one stays billed (the API cannot cancel it), so nothing was ordered. Set ${keep} in the program to keep this PBX, or set allowRepurchase: true to buy a new one`,
  };
}
