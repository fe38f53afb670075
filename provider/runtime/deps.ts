/**
 * What the engine needs from the outside world, injected so unit tests run it against a fake PartnerApi and a
 * fake clock.
 */
import type { PartnerApi } from "../api/partner-api";
import { report, resolveApi, type Reporter } from "./settings";

export interface Deps {
  api: () => PartnerApi;
  report: Reporter;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function defaultDeps(): Deps {
  return { api: resolveApi, report: report(), sleep: realSleep, now: () => Date.now() };
}
