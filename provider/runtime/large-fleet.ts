/**
 * Advice for a large fleet run without the CLI's large-fleet mode (docs/performance.md, "Large fleets"): with a file, S3 or
 * PostgreSQL backend the CLI then rewrites the whole stack state after every step, so a run's time grows with the
 * square of the fleet. The advice is one message per run, sent by the one process that sees every PBX of the
 * stack: the program (resource.ts counts the PBXs it registers) or the native plugin (native/plugin-provider.ts counts
 * the PBXs it checks). Both inherit the CLI's environment, so they see PULUMI_SKIP_CHECKPOINTS as the CLI does.
 */

/**
 * Up to 100 PBXs the default mode costs little (one measured run, docs/performance.md, "Large fleets": `up` of 100 took 5.1 s,
 * 4.3 s in the mode); past it the square shows (1,000: 145 s against 19 s).
 */
export const LARGE_FLEET_THRESHOLD = 100;
/** Overrides the threshold (a whole number of PBXs), for tests and for fleets that want the advice sooner. */
export const THRESHOLD_ENV = "YEASTAR_LARGE_FLEET_THRESHOLD";
export const MODE_ENV = "PULUMI_SKIP_CHECKPOINTS";

type Env = Record<string, string | undefined>;

/** The mode is on as the CLI reads its boolean settings: "1" or "true", in any case. */
export function largeFleetModeOn(env: Env): boolean {
  const v = (env[MODE_ENV] ?? "").trim();
  return v === "1" || v.toLowerCase() === "true";
}

/** The threshold: LARGE_FLEET_THRESHOLD, or YEASTAR_LARGE_FLEET_THRESHOLD (a whole number, 0 or more). */
export function largeFleetThreshold(env: Env): number {
  const raw = env[THRESHOLD_ENV];
  if (raw === undefined || raw.trim() === "") return LARGE_FLEET_THRESHOLD;
  const text = raw.trim();
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new Error(`${THRESHOLD_ENV} must be a whole number of PBXs, 0 or more, got ${JSON.stringify(raw)}`);
  }
  return Number(text);
}

export function largeFleetMessage(threshold: number): string {
  return (
    `this stack has more than ${threshold} PBXs and runs without the CLI's large-fleet mode: with a file, S3 or ` +
    "PostgreSQL backend, pulumi up, refresh and destroy then rewrite the whole stack state after every PBX they " +
    "change, so their time grows with the square of the fleet (in one measured run, up of 1,000 PBXs took 145 s, " +
    `19 s in the mode). Set ${MODE_ENV}=true for every pulumi command of this stack (docs/performance.md, "Large fleets"); it ` +
    "is safe with this package, which decides orders from the portal, not from state. A Pulumi Cloud backend " +
    "does not need it."
  );
}

/**
 * Counts the PBXs of a run. `add` returns the advice exactly once: for the first PBX past the threshold, unless
 * the mode is on. A PBX counted twice (the same key) counts once.
 */
export class FleetCounter {
  private readonly seen = new Set<string>();
  private done = false;
  private threshold?: number;

  constructor(private readonly env: Env) {}

  add(key: string): string | undefined {
    if (this.done) return undefined;
    if (largeFleetModeOn(this.env)) {
      this.done = true;
      return undefined;
    }
    this.threshold ??= largeFleetThreshold(this.env);
    this.seen.add(key);
    if (this.seen.size <= this.threshold) return undefined;
    this.done = true;
    this.seen.clear();
    return largeFleetMessage(this.threshold);
  }
}
