/**
 * The fixed data a fresh sandbox starts with. Shapes follow the vendor's documentation; the values are made up
 * but use the tutorial's IDs where it gives them (region 41, sub-domain 20, billing contact 3197218168379846218).
 */
import { PLANS, SERVICES } from "../provider/api/catalog";
import type { Price } from "./types";

export interface SeedDomain {
  pbxSubDomainId: string;
  pbxSubDomain: string[];
}
export interface SeedRegion {
  id: string;
  name: string;
  region: SeedDomain[];
}

export const REGIONS: readonly SeedRegion[] = [
  {
    id: "41",
    name: "Europe",
    region: [
      { pbxSubDomainId: "20", pbxSubDomain: ["eu.sandbox.yeastarcloud.com"] },
      { pbxSubDomainId: "21", pbxSubDomain: ["de.sandbox.yeastarcloud.com"] },
    ],
  },
  {
    id: "42",
    name: "North America",
    region: [{ pbxSubDomainId: "30", pbxSubDomain: ["us.sandbox.yeastarcloud.com"] }],
  },
  { id: "43", name: "Asia Pacific", region: [{ pbxSubDomainId: "40", pbxSubDomain: ["ap.sandbox.yeastarcloud.com"] }] },
];

export interface SeedContact {
  billingContactId: string;
  emailAddress: string;
  company: string;
  firstName?: string;
  lastName?: string;
}

export const BILLING_CONTACTS: readonly SeedContact[] = [
  {
    billingContactId: "3197218168379846218",
    emailAddress: "ap@acme.example",
    company: "Acme",
    firstName: "Ada",
    lastName: "Payne",
  },
  { billingContactId: "3197218168379846219", emailAddress: "billing@globex.example", company: "Globex" },
];

export interface SeedUser {
  partnerId: string;
  email: string;
  company: string;
  userType: string;
}

export const SUBORDINATE_USERS: readonly SeedUser[] = [
  { partnerId: "3076913644915998721", email: "it@customer-one.example", company: "Customer One", userType: "Enduser" },
  { partnerId: "3076913644915998723", email: "it@customer-two.example", company: "Customer Two", userType: "Enduser" },
  {
    partnerId: "3076913644915998725",
    email: "it@customer-three.example",
    company: "Customer Three",
    userType: "Enduser",
  },
];

/** PBX URLs held by other partners: taken, yet never in our product list. */
export const FOREIGN_URLS: readonly string[] = ["taken.eu.sandbox.yeastarcloud.com"];

/**
 * USD per unit per billing cycle. Plans, Extension Expansion and High Availability are priced per extension,
 * Recording Minutes per minute. The real price list is not public; these are plausible placeholders.
 */
export const DEFAULT_PRICES: Readonly<Record<string, Price>> = {
  [PLANS.enterprise]: { monthly: "4.00", annually: "40.00" },
  [PLANS.ultimate]: { monthly: "6.50", annually: "65.00" },
  [SERVICES.extensionExpansion]: { monthly: "4.00", annually: "40.00" },
  [SERVICES.recordingMinutes]: { monthly: "0.02", annually: "0.20" },
  [SERVICES.highAvailability]: { monthly: "1.50", annually: "15.00" },
};
