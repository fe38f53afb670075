/**
 * The invariants checked after every history, from the sandbox's order log and products, the exported stack
 * state and everything the runs printed or left on disk. Pure: the runner gathers the inputs.
 */
import { PLANS, SERVICES, planNameOf } from "../../provider/api/catalog";
import type { StoredOrder, StoredProduct } from "../../sandbox";
import type { Asked, PbxProgram } from "./history";

export interface StateResource {
  urn: string;
  type: string;
  outputs?: Record<string, unknown>;
}

export interface Violation {
  invariant:
    | "url-bought-twice"
    | "bought-more-than-asked"
    | "untracked-pbx"
    | "state-differs"
    | "secret-leaked"
    | "unclear-error";
  detail: string;
}

export interface Evidence {
  orders: StoredOrder[];
  products: StoredProduct[];
  asked: Asked[];
  /** PBX resources in the exported state after the last run. */
  resources: StateResource[];
  /** The final program, when the last `up` succeeded (else undefined: the state need not match it). */
  converged?: PbxProgram[];
  /** Every run's stdout and stderr. */
  outputs: string[];
  /** State export, project and backend files. */
  everything: string;
  secret: string;
  tokens: string[];
}

const bought = (o: StoredOrder) => o.outcome === "succeed";

function quantityOf(order: StoredOrder, serviceId: string): number {
  return order.serviceList.filter((i) => i.serviceId === serviceId).reduce((a, i) => a + i.quantity, 0);
}

/** The product's facts as the provider would read them (a waiting downgrade counts as the plan). */
export function productFacts(p: StoredProduct) {
  const service = (id: string) => p.services.find((s) => s.serviceId === id)?.quantity ?? 0;
  const plan = (p.currentPlan && p.currentPlan in PLANS ? p.currentPlan : undefined) ?? planNameOf(p.planId);
  return {
    extensions: p.extensions,
    recordingMinutes: service(SERVICES.recordingMinutes),
    highAvailability: service(SERVICES.highAvailability) > 0,
    plan,
  };
}

function namedInDiagnostics(outputs: string[], names: string[]): boolean {
  return outputs.some((text) =>
    text.split("\n").some((line) => /error|warning/i.test(line) && names.some((n) => n && line.includes(n))),
  );
}

export function checkInvariants(e: Evidence): Violation[] {
  const violations: Violation[] = [];
  // A PBX is bought by a purchase or a trial; either one twice for a URL is a second PBX.
  const purchases = e.orders.filter(
    (o) => (o.operationType === "purchase_plan" || o.operationType === "trial_plan") && bought(o),
  );
  const askedByUrl = new Map(e.asked.map((a) => [a.url, a]));

  // 1. No PBX URL bought twice (a failed order bought nothing).
  const byUrl = new Map<string, StoredOrder[]>();
  for (const o of purchases) byUrl.set(o.pbxUrl, [...(byUrl.get(o.pbxUrl) ?? []), o]);
  for (const [url, list] of byUrl) {
    if (list.length > 1) {
      violations.push({
        invariant: "url-bought-twice",
        detail: `${url} bought ${list.length} times: ${list.map((o) => o.orderNo).join(", ")}`,
      });
    }
  }

  // 2. Per PBX, what was ordered is never more than the most the program ever asked for.
  for (const [url, list] of byUrl) {
    const asked = askedByUrl.get(url);
    if (!asked) {
      violations.push({ invariant: "bought-more-than-asked", detail: `${url} was bought but no program declared it` });
      continue;
    }
    const serials = new Set(list.map((o) => o.productNo));
    const mine = e.orders.filter((o) => bought(o) && serials.has(o.productNo));
    const purchase = list[0];
    const planQty = (o: StoredOrder) => o.serviceList.find((i) => i.serviceType === "plan")?.quantity ?? 0;
    const conversions = mine.filter((o) => o.operationType === "switchTrial_plan");
    // A conversion buys the PBX's whole paid shape; a renewal renews what the PBX has and buys nothing new.
    const buying = mine.filter((o) => o.operationType !== "renew_plan" && o.operationType !== "trial_plan");
    const extensions =
      Math.max(planQty(purchase), ...conversions.map(planQty)) +
      mine
        .filter((o) => o.operationType === "purchase_service")
        .reduce((a, o) => a + quantityOf(o, SERVICES.extensionExpansion), 0);
    const minutes = buying.reduce((a, o) => a + quantityOf(o, SERVICES.recordingMinutes), 0);
    const haOrders = buying.filter((o) => quantityOf(o, SERVICES.highAvailability) > 0).length;
    const switches = mine.filter((o) => o.operationType === "switch_plan").length;
    const renewals = mine.filter((o) => o.operationType === "renew_plan").length;
    const over: string[] = [];
    if (extensions > asked.maxExtensions) over.push(`${extensions} extensions, most asked ${asked.maxExtensions}`);
    if (minutes > asked.maxMinutes) over.push(`${minutes} recording minutes, most asked ${asked.maxMinutes}`);
    if (haOrders > (asked.highAvailability ? 1 : 0)) {
      over.push(`${haOrders} orders with High Availability, asked ${asked.highAvailability ? "once" : "never"}`);
    }
    if (switches > asked.switches) over.push(`${switches} plan switches, asked ${asked.switches}`);
    if (renewals > asked.renewals) over.push(`${renewals} renewals, most asked ${asked.renewals}`);
    const mayConvert = asked.trial && asked.converted ? 1 : 0;
    if (conversions.length > mayConvert) over.push(`${conversions.length} trial conversions, asked ${mayConvert}`);
    if (purchase.operationType === "trial_plan" && !asked.trial) over.push("a trial bought, no program asked one");
    if (purchase.operationType === "purchase_plan" && !asked.paid) {
      over.push("a paid PBX bought, every program asked a trial");
    }
    if (over.length > 0) {
      violations.push({
        invariant: "bought-more-than-asked",
        detail: `${asked.name} (${url}): ${over.join("; ")}; orders ${mine.map((o) => `${o.orderNo}:${o.operationType}`).join(", ")}`,
      });
    }
  }

  // 3. Every PBX a run bought is in the state, or some error or warning named it.
  const inState = new Set(e.resources.map((r) => String(r.outputs?.productNo ?? "")));
  for (const p of e.products) {
    const purchase = purchases.find((o) => o.productNo === p.productNo);
    if (!purchase || inState.has(p.productNo)) continue;
    if (!namedInDiagnostics(e.outputs, [p.pbxUrl, p.productNo])) {
      violations.push({
        invariant: "untracked-pbx",
        detail: `${p.pbxUrl} (serial ${p.productNo}) is in the portal, not in the state, and no error or warning named it`,
      });
    }
  }

  // 4a. Whatever the last run's outcome, the state never says a PBX is live when the portal says its purchase
  // failed or does not know it.
  for (const r of e.resources) {
    const o = r.outputs ?? {};
    if (o.orderStatus !== "succeed") continue;
    const product = e.products.find((p) => p.productNo === o.productNo);
    if (!product || product.status === "failed") {
      violations.push({
        invariant: "state-differs",
        detail: `${r.urn.slice(r.urn.lastIndexOf("::") + 2)}: the state records ${String(o.pbxUrl)} (serial ${String(o.productNo)}) with orderStatus "succeed", but the portal ${product ? "shows its purchase failed" : "has no such PBX"}`,
      });
    }
  }

  // 4b. After the final successful up: state = portal = program.
  if (e.converged) {
    const byName = new Map(e.resources.map((r) => [r.urn.slice(r.urn.lastIndexOf("::") + 2), r]));
    for (const want of e.converged) {
      const url = e.asked.find((a) => a.name === want.name)?.url ?? want.subdomain;
      const program = {
        extensions: want.extensions,
        recordingMinutes: want.recordingMinutes,
        highAvailability: want.highAvailability,
        plan: want.plan,
      };
      const res = byName.get(want.name);
      if (!res) {
        violations.push({
          invariant: "state-differs",
          detail: `${want.name} (${url}) is in the program, not in the state`,
        });
        continue;
      }
      const o = res.outputs ?? {};
      const state = {
        extensions: o.extensions,
        recordingMinutes: o.recordingMinutes,
        highAvailability: o.highAvailability,
        plan: o.plan,
      };
      if (JSON.stringify(state) !== JSON.stringify(program) || o.orderStatus !== "succeed") {
        violations.push({
          invariant: "state-differs",
          detail: `${want.name}: state ${JSON.stringify({ ...state, orderStatus: o.orderStatus })} != program ${JSON.stringify(program)}`,
        });
      }
      const product = e.products.find((p) => p.productNo === o.productNo);
      if (!product || product.pbxUrl !== url || product.status !== "active") {
        violations.push({
          invariant: "state-differs",
          detail: `${want.name}: the state's serial ${String(o.productNo)} is not an active PBX at ${url} in the portal (${product ? `${product.pbxUrl}, ${product.status}` : "none"})`,
        });
        continue;
      }
      const portal = productFacts(product);
      if (JSON.stringify(portal) !== JSON.stringify(program)) {
        violations.push({
          invariant: "state-differs",
          detail: `${want.name}: portal ${JSON.stringify(portal)} != program ${JSON.stringify(program)}`,
        });
      }
    }
    const wanted = new Set(e.converged.map((p) => p.name));
    for (const name of byName.keys()) {
      if (!wanted.has(name)) {
        violations.push({ invariant: "state-differs", detail: `${name} is in the state but not in the program` });
      }
    }
  }

  // 5. No secret anywhere.
  const all = e.everything + "\n" + e.outputs.join("\n");
  if (all.includes(e.secret)) violations.push({ invariant: "secret-leaked", detail: "the client secret" });
  const leaked = e.tokens.filter((t) => t.length >= 16 && all.includes(t));
  if (leaked.length > 0)
    violations.push({ invariant: "secret-leaked", detail: `${leaked.length} access/refresh token(s)` });
  return violations;
}
