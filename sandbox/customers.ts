/**
 * Subordinate users (customers) in the sandbox: the seeded ones plus those `save_user` creates, the lookups by
 * partner id or Yeastar ID, and the country list `save_user` names a country from. The API has no endpoint to
 * change or delete a subordinate user; neither has the sandbox.
 */
import type { FastifyRequest } from "fastify";
import { PATHS } from "../provider/api/catalog";
import { NewSubordinateUser } from "../provider/api/schemas";
import { ApiError, validationError } from "./envelope";
import { new64BitId, unique } from "./ids";
import type { ApiRoute } from "./partner-routes";
import type { Simulator } from "./simulator";

/** A subordinate user as the sandbox keeps it (the list's User_Info fields; every value a string). */
export interface StoredUser {
  partnerId: string;
  email: string;
  company: string;
  userType: string;
  country: string;
  firstName: string;
  lastName: string;
  phoneNumber: string;
  stateProvince: string;
  city: string;
  street: string;
  zipCode: string;
  remark: string;
  taxNum: string;
}

export const COUNTRIES: readonly { code: string; id: number; name: string }[] = [
  { code: "AU", id: 13, name: "Australia" },
  { code: "DE", id: 80, name: "Germany" },
  { code: "FR", id: 73, name: "France" },
  { code: "GB", id: 225, name: "United Kingdom" },
  { code: "NL", id: 150, name: "Netherlands" },
  { code: "US", id: 226, name: "United States" },
];

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function storedUser(fields: Partial<StoredUser> & { partnerId: string; email: string }): StoredUser {
  return {
    company: "",
    userType: "Enduser",
    country: "",
    firstName: "",
    lastName: "",
    phoneNumber: "",
    stateProvince: "",
    city: "",
    street: "",
    zipCode: "",
    remark: "",
    taxNum: "",
    ...fields,
  };
}

/**
 * The rules of `save_user` as documented (required fields, one of the names, a country from the country list), and
 * the inferred one docs/api-assumptions.md lists: a Yeastar ID already in use is refused, so a repeated request creates nothing.
 */
export function validateNewUser(body: unknown, users: readonly StoredUser[]): NewSubordinateUser {
  const parsed = NewSubordinateUser.safeParse(body);
  if (!parsed.success) {
    const reasons: Record<string, string> = {};
    for (const issue of parsed.error.issues) reasons[issue.path.join(".") || "body"] = issue.message;
    throw validationError(reasons);
  }
  const user = parsed.data;
  const reasons: Record<string, string> = {};
  if (!EMAIL.test(user.yeastarId)) reasons.yeastarId = "must be an email address";
  if (user.company.trim() === "") reasons.company = "required";
  if (!COUNTRIES.some((c) => c.name === user.country)) reasons.country = "must be a name from the country list";
  if (!(user.firstName ?? "").trim() && !(user.lastName ?? "").trim())
    reasons.firstName = "firstName or lastName is required";
  if (Object.keys(reasons).length > 0) throw validationError(reasons);
  if (users.some((u) => u.email.toLowerCase() === user.yeastarId.toLowerCase())) {
    throw new ApiError(409, "user_already_exists", `a user with Yeastar ID ${user.yeastarId} already exists`);
  }
  return user;
}

function queryValue(req: FastifyRequest, name: string): string | undefined {
  const value = (req.query as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? value[0] : value;
}

export function registerCustomerRoutes(api: ApiRoute, sim: Simulator): void {
  api("GET", PATHS.subordinateUserList, "subordinateUserList", () => sim.store.users);

  api("GET", `${PATHS.subordinateUser}/:id`, "subordinateUser", (req) => {
    const { id } = req.params as { id: string };
    const key = id.trim().toLowerCase();
    const user = sim.store.users.find((u) => u.partnerId === id.trim() || u.email.toLowerCase() === key);
    if (!user) throw new ApiError(404, "user_not_found", `no subordinate user ${id}`);
    return user;
  });

  api("POST", PATHS.saveUser, "saveUser", (req) => {
    const user = validateNewUser(req.body, sim.store.users);
    sim.store.addUser(
      storedUser({
        partnerId: unique(new64BitId, (id) => sim.store.users.some((u) => u.partnerId === id)),
        email: user.yeastarId,
        company: user.company,
        userType: user.userType,
        country: user.country,
        firstName: user.firstName ?? "",
        lastName: user.lastName ?? "",
        phoneNumber: user.phoneNumber ?? "",
        stateProvince: user.stateProvince ?? "",
        city: user.city ?? "",
        street: user.street ?? "",
        zipCode: user.zipCode ?? "",
        remark: user.remark ?? "",
        taxNum: user.taxNum ?? "",
      }),
    );
    return true;
  });

  api("GET", PATHS.countryList, "countryList", (req) => {
    const name = (queryValue(req, "name") ?? "").trim().toLowerCase();
    const all = COUNTRIES.filter((c) => c.name.toLowerCase().includes(name));
    return { count: all.length, pageNo: 1, pageSize: 100, results: all, total: all.length, totalPage: 1 };
  });
}
