/**
 * Histories of the fault campaign: what they are made of, how fast-check generates (and shrinks) them, what the
 * program looks like after each step, and how a history is printed as a short script.
 *
 * A history is a fleet (1-5 PBX seeds), how many of them the first program declares, and a few steps. Each step
 * changes the program, sets up the faults of its `pulumi up` (injected faults, pending or failing orders, token
 * expiry, a SIGKILL of the CLI) and says which recovery the user does afterwards. A change that does not apply
 * any more (HA already on, a PBX already removed, nothing left to create) is a no-op, so every shrunk history is
 * still a valid one.
 */
import * as fc from "fast-check";
import type { EndpointName } from "../../provider/api/catalog";
import type { FaultSpec } from "../../sandbox";

export type PlanName = "enterprise" | "ultimate";

export interface PbxSeed {
  extensions: number;
  plan: PlanName;
  billingCycle: "monthly" | "annually";
  highAvailability: boolean;
  recordingMinutes: number;
  /** Bought as a free trial (its add-ons are dropped: a trial holds the plan only). Absent in older repros. */
  trial?: boolean;
}

export type Change =
  | { kind: "create" }
  | { kind: "expand"; pbx: number; by: number }
  | { kind: "minutes"; pbx: number; by: number }
  | { kind: "ha"; pbx: number }
  | { kind: "switch"; pbx: number }
  | { kind: "renew"; pbx: number }
  | { kind: "convert"; pbx: number }
  | { kind: "noop" }
  | { kind: "remove"; pbx: number };

/** When the CLI is killed: a fixed time after it starts, or shortly after the portal stored the n-th new order. */
export type Kill = { after: "time"; ms: number } | { after: "order"; orders: number; delayMs: number };

export interface Step {
  change: Change;
  faults: FaultSpec[];
  /** The sandbox's pending time for orders placed by this step's `up` (0: settled at once). */
  pendingMs: number;
  /** Every order of this step's `up` ends `failed`. */
  failOrders: boolean;
  /** Expire every access token this long after the CLI starts. */
  expireTokensAtMs?: number;
  kill?: Kill;
  /** Run `up` with its preview (else `--skip-preview`). */
  preview: boolean;
  /** The user's recovery after a failed or killed `up` includes `pulumi refresh`. */
  refresh: boolean;
}

export interface History {
  fleet: PbxSeed[];
  /** How many of the fleet the first program declares (at least 1). */
  initial: number;
  steps: Step[];
}

// ------------------------------------------------------------------------------------------- generation

const READ_ENDPOINTS: EndpointName[] = [
  "token",
  "regionList",
  "pbxUrlExisted",
  "billingContactList",
  "productList",
  "productDetail",
  "orderList",
  "orderDetail",
  "priceCalculate",
];

const faultKind = fc.oneof(
  fc.record({ status: fc.constantFrom(500, 502, 503, 504, 400) }),
  fc.record({ status: fc.constant(429), retryAfterSeconds: fc.constant(1) }),
  fc.record({ latencyMs: fc.integer({ min: 200, max: 2500 }) }),
  fc.record({ hang: fc.constant(true) }),
  fc.record({ malformed: fc.constant(true) }),
  fc.record({ drop: fc.constant(true) }),
);

const faultArb: fc.Arbitrary<FaultSpec> = fc
  .tuple(
    fc.oneof(
      { weight: 3, arbitrary: fc.constant({ endpoint: "orderSave" as EndpointName, afterCommit: false }) },
      { weight: 3, arbitrary: fc.constant({ endpoint: "orderSave" as EndpointName, afterCommit: true }) },
      {
        weight: 4,
        arbitrary: fc.constantFrom(...READ_ENDPOINTS).map((endpoint) => ({ endpoint, afterCommit: false })),
      },
    ),
    faultKind,
    fc.integer({ min: 1, max: 3 }),
  )
  .map(([where, kind, times]) => ({
    endpoint: where.endpoint,
    ...(where.afterCommit ? { afterCommit: true } : {}),
    ...kind,
    times,
  }));

const seedArb: fc.Arbitrary<PbxSeed> = fc.record({
  extensions: fc.integer({ min: 5, max: 60 }),
  plan: fc.constantFrom<PlanName>("enterprise", "ultimate"),
  billingCycle: fc.constantFrom<"monthly" | "annually">("annually", "monthly"),
  highAvailability: fc.boolean(),
  recordingMinutes: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 500 })),
  trial: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
});

const pbxIndex = fc.nat({ max: 4 });

const changeArb: fc.Arbitrary<Change> = fc.oneof(
  { weight: 2, arbitrary: fc.constant<Change>({ kind: "create" }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant("expand" as const), pbx: pbxIndex, by: fc.integer({ min: 1, max: 40 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("minutes" as const),
      pbx: pbxIndex,
      by: fc.integer({ min: 1, max: 600 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("ha" as const), pbx: pbxIndex }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("switch" as const), pbx: pbxIndex }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("renew" as const), pbx: pbxIndex }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("convert" as const), pbx: pbxIndex }) },
  { weight: 1, arbitrary: fc.constant<Change>({ kind: "noop" }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("remove" as const), pbx: pbxIndex }) },
);

const killArb: fc.Arbitrary<Kill> = fc.oneof(
  fc.record({ after: fc.constant("time" as const), ms: fc.integer({ min: 300, max: 9000 }) }),
  fc.record({
    after: fc.constant("order" as const),
    orders: fc.integer({ min: 1, max: 2 }),
    delayMs: fc.integer({ min: 0, max: 400 }),
  }),
);

export const stepArb: fc.Arbitrary<Step> = fc.record(
  {
    change: changeArb,
    faults: fc.array(faultArb, { maxLength: 2 }),
    pendingMs: fc.oneof(
      { weight: 5, arbitrary: fc.constant(0) },
      { weight: 2, arbitrary: fc.integer({ min: 300, max: 1500 }) },
      { weight: 2, arbitrary: fc.integer({ min: 2500, max: 6000 }) },
    ),
    failOrders: fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    expireTokensAtMs: fc.option(fc.integer({ min: 0, max: 6000 }), { nil: undefined, freq: 4 }),
    kill: fc.option(killArb, { nil: undefined, freq: 2 }),
    preview: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    refresh: fc.boolean(),
  },
  { requiredKeys: ["change", "faults", "pendingMs", "failOrders", "preview", "refresh"] },
);

export function historyArb(opts: { maxSteps: number; maxFleet: number }): fc.Arbitrary<History> {
  return fc
    .record({
      fleet: fc.array(seedArb, { minLength: 1, maxLength: opts.maxFleet }),
      initial: fc.integer({ min: 1, max: opts.maxFleet }),
      steps: fc.array(stepArb, { minLength: 1, maxLength: opts.maxSteps }),
    })
    .map((h) => ({ ...h, initial: Math.min(h.initial, h.fleet.length) }));
}

// ---------------------------------------------------------------------------------------------- the model

export interface PbxProgram {
  /** Resource name, also the key in the fleet file. */
  name: string;
  subdomain: string;
  extensions: number;
  plan: PlanName;
  billingCycle: "monthly" | "annually";
  highAvailability: boolean;
  recordingMinutes: number;
  /** A free trial not converted yet. */
  trial: boolean;
  /** Renewal terms the program asks for beyond the first term (0: no renewThrough). */
  renewTerms: number;
}

/** What the programs of a history ever asked for one PBX: the bounds of what may be bought for it. */
export interface Asked {
  name: string;
  url: string;
  maxExtensions: number;
  maxMinutes: number;
  /** High Availability was asked for (it is bought at most once). */
  highAvailability: boolean;
  /** Plan switches the program asked for. */
  switches: number;
  /** The most renewal terms any program asked for. */
  renewals: number;
  /**
   * Whether some program declared it a trial, or a paid PBX (a PBX converted by the step that created it was
   * never declared a trial), and whether a program converted it.
   */
  trial: boolean;
  paid: boolean;
  converted: boolean;
  removed: boolean;
}

export const DOMAIN_SUFFIX = "eu.sandbox.yeastarcloud.com";

export function subdomainOf(index: number): string {
  return `chaos-p${index}`;
}

export function urlOf(index: number): string {
  return `${subdomainOf(index)}.${DOMAIN_SUFFIX}`;
}

/** Applies changes in order; `programs[i]` is the program of step i. */
export class Model {
  readonly programs: PbxProgram[][] = [];
  /** What each step's change did to the program, e.g. "expand p1 to 45 extensions" or "no-op (HA already on)". */
  readonly applied: string[] = [];
  readonly asked = new Map<string, Asked>();
  private readonly live: PbxProgram[] = [];
  private created = 0;
  private readonly switched = new Set<string>();

  constructor(readonly history: History) {
    for (let i = 0; i < history.initial; i++) this.create();
    for (const step of history.steps) {
      this.applied.push(this.apply(step.change));
      this.programs.push(this.live.map((p) => ({ ...p })));
      // What each `up` may buy: a trial, a paid PBX, or either when programs said both.
      for (const p of this.live) {
        const a = this.asked.get(p.name)!;
        if (p.trial) a.trial = true;
        else a.paid = true;
      }
    }
  }

  /** Applies a change and says what it did (a change that does not apply is a no-op). */
  private apply(change: Change): string {
    const target = "pbx" in change && this.live.length > 0 ? this.live[change.pbx % this.live.length] : undefined;
    if (change.kind === "create") {
      const created = this.create();
      return created ? `create ${created.name}` : "no-op (the whole fleet was created)";
    }
    if (change.kind === "noop") return "no-op";
    if (!target) return "no-op (no PBX in the program)";
    const a = this.asked.get(target.name)!;
    // A trial changes only by its conversion (the provider refuses anything else, naming the field).
    if (target.trial && change.kind !== "convert" && change.kind !== "remove") {
      return `no-op (${target.name} is a trial)`;
    }
    let did: string;
    switch (change.kind) {
      case "expand":
        if (target.extensions >= 500) return `no-op (${target.name} has 500 extensions)`;
        target.extensions = Math.min(500, target.extensions + change.by);
        did = `expand ${target.name} to ${target.extensions} extensions`;
        break;
      case "minutes":
        target.recordingMinutes += change.by;
        did = `raise ${target.name} to ${target.recordingMinutes} recording minutes`;
        break;
      case "ha":
        if (target.highAvailability) return `no-op (${target.name} has HA)`;
        target.highAvailability = true;
        did = `turn on HA for ${target.name}`;
        break;
      case "switch":
        // One switch per PBX: a downgrade waits for the term's end, and the portal refuses a switch meanwhile.
        if (this.switched.has(target.name)) return `no-op (${target.name} switched already)`;
        this.switched.add(target.name);
        target.plan = target.plan === "enterprise" ? "ultimate" : "enterprise";
        a.switches += 1;
        did = `switch ${target.name} to ${target.plan}`;
        break;
      case "renew":
        // A plan switch and a renewal in one run are refused: renew only a PBX whose plan is settled.
        if (this.switched.has(target.name)) return `no-op (${target.name} switched its plan)`;
        if (target.renewTerms >= 2) return `no-op (${target.name} renews 2 terms already)`;
        target.renewTerms += 1;
        a.renewals = Math.max(a.renewals, target.renewTerms);
        did = `renew ${target.name} for ${target.renewTerms} more term${target.renewTerms === 1 ? "" : "s"}`;
        break;
      case "convert":
        if (!target.trial) return `no-op (${target.name} is not a trial)`;
        target.trial = false;
        a.converted = true;
        did = `convert ${target.name} from its trial`;
        break;
      case "remove":
        this.live.splice(this.live.indexOf(target), 1);
        a.removed = true;
        return `remove ${target.name} from the program`;
    }
    this.record(target);
    return did;
  }

  private create(): PbxProgram | undefined {
    const seed = this.history.fleet[this.created];
    if (!seed) return undefined;
    const trial = seed.trial === true;
    const p: PbxProgram = {
      name: `p${this.created}`,
      subdomain: subdomainOf(this.created),
      ...seed,
      // A trial holds the plan only.
      ...(trial ? { highAvailability: false, recordingMinutes: 0 } : {}),
      trial,
      renewTerms: 0,
    };
    this.asked.set(p.name, {
      name: p.name,
      url: urlOf(this.created),
      maxExtensions: 0,
      maxMinutes: 0,
      highAvailability: false,
      switches: 0,
      renewals: 0,
      trial: false,
      paid: false,
      converted: false,
      removed: false,
    });
    this.created += 1;
    this.live.push(p);
    this.record(p);
    return p;
  }

  private record(p: PbxProgram): void {
    const a = this.asked.get(p.name)!;
    a.maxExtensions = Math.max(a.maxExtensions, p.extensions);
    a.maxMinutes = Math.max(a.maxMinutes, p.recordingMinutes);
    a.highAvailability ||= p.highAvailability;
  }
}

// ------------------------------------------------------------------------------------------------ printing

function describeFault(f: FaultSpec): string {
  const what =
    f.status !== undefined
      ? `status ${f.status}${f.retryAfterSeconds ? ` retry-after ${f.retryAfterSeconds}s` : ""}`
      : f.latencyMs !== undefined
        ? `latency ${f.latencyMs}ms`
        : f.hang
          ? "hang"
          : f.malformed
            ? "malformed body"
            : f.drop
              ? "dropped connection"
              : "?";
  return `${f.endpoint}${f.afterCommit ? " after commit" : ""}: ${what} x${f.times ?? "inf"}`;
}

/** The history as a short script a person can read; `replay` is the command that runs it again. */
export function describeHistory(h: History, replay?: string): string {
  const lines: string[] = [];
  if (replay) lines.push(`# reproduce: ${replay}`);
  lines.push(
    `fleet: ${h.fleet
      .map(
        (s, i) =>
          `p${i}=${s.trial ? "trial/" : ""}${s.plan}/${s.billingCycle}/${s.extensions}ext${s.highAvailability ? "/HA" : ""}${s.recordingMinutes ? `/${s.recordingMinutes}min` : ""}`,
      )
      .join(", ")}; first program declares ${h.initial}`,
  );
  const model = new Model(h);
  h.steps.forEach((s, i) => {
    const extras = [
      ...s.faults.map(describeFault),
      s.pendingMs ? `orders pending ${s.pendingMs}ms` : "",
      s.failOrders ? "orders fail" : "",
      s.expireTokensAtMs !== undefined ? `tokens expire at ${s.expireTokensAtMs}ms` : "",
      s.kill
        ? s.kill.after === "time"
          ? `SIGKILL at ${s.kill.ms}ms`
          : `SIGKILL ${s.kill.delayMs}ms after order ${s.kill.orders}`
        : "",
      s.preview ? "up with preview" : "",
      s.refresh ? "recover with refresh" : "",
    ].filter(Boolean);
    lines.push(`step ${i + 1}: ${model.applied[i]}${extras.length ? ` [${extras.join("; ")}]` : ""}`);
  });
  return lines.join("\n");
}
