/**
 * What the Customer resource needs from the Partner Portal beyond `PartnerApi`: the subordinate-user endpoints.
 * `provider/client` implements both. There is no endpoint to change or delete a subordinate user.
 */
import type { Country, NewSubordinateUser, Page, SubordinateUser } from "./schemas";

export interface CustomerApi {
  /** The subordinate user list (cached per client, like `PartnerApi.listSubordinateUsers`). */
  listSubordinateUsers(): Promise<SubordinateUser[]>;
  /** The list read afresh; replaces the cached one. */
  refreshSubordinateUsers(): Promise<SubordinateUser[]>;
  /** One user by partner id or Yeastar ID (email); undefined only on a definite not-found. */
  getSubordinateUser(idOrEmail: string): Promise<SubordinateUser | undefined>;
  /** Countries whose name contains `name`. */
  listCountries(name: string): Promise<Page<Country>>;
  /** Creates a user; sent once (never retried): after a failure, look the email up. */
  createSubordinateUser(user: NewSubordinateUser): Promise<boolean>;
}

/** The API as a CustomerApi, checked at run time (a fake PartnerApi in a test may lack the methods). */
export function asCustomerApi(api: object): CustomerApi {
  const methods = [
    "listSubordinateUsers",
    "refreshSubordinateUsers",
    "getSubordinateUser",
    "listCountries",
    "createSubordinateUser",
  ] as const;
  const missing = methods.filter((m) => typeof (api as Record<string, unknown>)[m] !== "function");
  if (missing.length > 0) throw new Error(`the Partner API client lacks ${missing.join(", ")}`);
  return api as CustomerApi;
}
