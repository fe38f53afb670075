/**
 * What the sandbox holds for the PBXs' own APIs (sandbox/pbx-routes.ts): each PBX's extensions, kept by the
 * product they belong to (a PBX bought again under a freed URL starts empty), and the access and refresh tokens
 * of those APIs. The whole is saved in the state file with the rest (store.ts, key `pbx`); a state file without
 * it (an earlier version's) loads with no extensions.
 */
import { randomBytes } from "node:crypto";
import type { StoredExtension, StoredInboundRoute } from "./types";

/** The trunk every sandbox PBX has until trunks are added (docs/sandbox.md, "A PBX's own API"). */
export const DEFAULT_TRUNK = "sip-trunk-1";

/** The developer guide's refresh-token lifetime (24 hours). */
export const PBX_REFRESH_LIFETIME_SECONDS = 86_400;

interface PbxExtensions {
  /** The id the next extension gets: ids are never used twice on one PBX. */
  nextId: number;
  extensions: StoredExtension[];
  /** Absent in state files of earlier versions: no routes, the default trunk. */
  nextRouteId?: number;
  routes?: StoredInboundRoute[];
  trunks?: string[];
}

interface TokenEntry {
  productNo: string;
  expiresAt: number;
}

export interface PbxSnapshot {
  byProduct: Record<string, PbxExtensions>;
  access: Array<[string, TokenEntry]>;
  refresh: Array<[string, TokenEntry]>;
}

/** `get_token` and `refresh_token` answer this (with errcode 0). */
export interface IssuedPbxToken {
  access_token: string;
  access_token_expire_time: number;
  refresh_token: string;
  refresh_token_expire_time: number;
}

export type PbxTokenCheck = "valid" | "expired" | "unknown";

export class PbxStore {
  private byProduct = new Map<string, PbxExtensions>();
  private access = new Map<string, TokenEntry>();
  private refresh = new Map<string, TokenEntry>();
  issued = 0;

  // ---- tokens ----

  issue(productNo: string, lifetimeSeconds: number, now: number): IssuedPbxToken {
    const accessToken = randomBytes(16).toString("hex");
    const refreshToken = randomBytes(16).toString("hex");
    this.access.set(accessToken, { productNo, expiresAt: now + lifetimeSeconds * 1000 });
    this.refresh.set(refreshToken, { productNo, expiresAt: now + PBX_REFRESH_LIFETIME_SECONDS * 1000 });
    this.issued += 1;
    return {
      access_token: accessToken,
      access_token_expire_time: lifetimeSeconds,
      refresh_token: refreshToken,
      refresh_token_expire_time: PBX_REFRESH_LIFETIME_SECONDS,
    };
  }

  /** A token of another PBX is unknown here. */
  check(token: string, productNo: string, now: number): PbxTokenCheck {
    const entry = this.access.get(token);
    if (!entry || entry.productNo !== productNo) return "unknown";
    return now < entry.expiresAt ? "valid" : "expired";
  }

  /** Consumes a refresh token of this PBX: refresh tokens rotate, a used one stops working (as the partner's). */
  redeem(refreshToken: string, productNo: string, now: number): boolean {
    const entry = this.refresh.get(refreshToken);
    if (!entry || entry.productNo !== productNo) return false;
    // Kept (as used) rather than deleted, so allTokens() still lists it for leak checks.
    this.refresh.set(refreshToken, { ...entry, expiresAt: 0 });
    return now < entry.expiresAt;
  }

  /** Every access token expires now (refresh tokens stay valid). */
  expireAll(): void {
    for (const [token, entry] of this.access) this.access.set(token, { ...entry, expiresAt: 0 });
  }

  allTokens(): string[] {
    return [...this.access.keys(), ...this.refresh.keys()];
  }

  // ---- extensions ----

  /** The PBX's extensions by id (the live array; callers copy what they hand out). */
  list(productNo: string): StoredExtension[] {
    return this.byProduct.get(productNo)?.extensions ?? [];
  }

  find(productNo: string, id: string): StoredExtension | undefined {
    return this.list(productNo).find((e) => e.id === id);
  }

  findByNumber(productNo: string, number: string): StoredExtension | undefined {
    return this.list(productNo).find((e) => e.number === number);
  }

  add(productNo: string, fields: Omit<StoredExtension, "id">): StoredExtension {
    let pbx = this.byProduct.get(productNo);
    if (!pbx) {
      pbx = { nextId: 1, extensions: [] };
      this.byProduct.set(productNo, pbx);
    }
    const extension: StoredExtension = { id: String(pbx.nextId), ...fields };
    pbx.nextId += 1;
    pbx.extensions.push(extension);
    return extension;
  }

  private entry(productNo: string): PbxExtensions {
    let pbx = this.byProduct.get(productNo);
    if (!pbx) {
      pbx = { nextId: 1, extensions: [] };
      this.byProduct.set(productNo, pbx);
    }
    return pbx;
  }

  // ---- inbound routes and trunks ----

  /** The PBX's inbound routes by id (the live array). */
  routes(productNo: string): StoredInboundRoute[] {
    return this.byProduct.get(productNo)?.routes ?? [];
  }

  addRoute(productNo: string, fields: Omit<StoredInboundRoute, "id">): StoredInboundRoute {
    const pbx = this.entry(productNo);
    pbx.routes ??= [];
    pbx.nextRouteId ??= 1;
    const route: StoredInboundRoute = { id: String(pbx.nextRouteId), ...fields };
    pbx.nextRouteId += 1;
    pbx.routes.push(route);
    return route;
  }

  removeRoute(productNo: string, id: string): boolean {
    const routes = this.byProduct.get(productNo)?.routes ?? [];
    const index = routes.findIndex((r) => r.id === id);
    if (index < 0) return false;
    routes.splice(index, 1);
    return true;
  }

  trunks(productNo: string): string[] {
    return this.byProduct.get(productNo)?.trunks ?? [DEFAULT_TRUNK];
  }

  addTrunk(productNo: string, name: string): string[] {
    const pbx = this.entry(productNo);
    pbx.trunks ??= [DEFAULT_TRUNK];
    if (!pbx.trunks.includes(name)) pbx.trunks.push(name);
    return [...pbx.trunks];
  }

  remove(productNo: string, id: string): boolean {
    const pbx = this.byProduct.get(productNo);
    const index = pbx?.extensions.findIndex((e) => e.id === id) ?? -1;
    if (!pbx || index < 0) return false;
    pbx.extensions.splice(index, 1);
    return true;
  }

  /** Forgets a deleted product's extensions. */
  dropProduct(productNo: string): void {
    this.byProduct.delete(productNo);
  }

  /** Forgets every extension (reset); tokens stay, as the partner's do. */
  clearExtensions(): void {
    this.byProduct.clear();
  }

  snapshot(): PbxSnapshot {
    return {
      byProduct: Object.fromEntries(this.byProduct),
      access: [...this.access],
      refresh: [...this.refresh],
    };
  }

  restore(snapshot: Partial<PbxSnapshot>): void {
    this.byProduct = new Map(Object.entries(structuredClone(snapshot.byProduct ?? {})));
    this.access = new Map(snapshot.access ?? []);
    this.refresh = new Map(snapshot.refresh ?? []);
  }
}
