/**
 * What a dynamic resource of this package registers (PSeriesCloudPbx and Customer alike). Pure.
 */
import { DRY_RUN_KEY } from "../api/inputs";

/**
 * Every declared output as `undefined` (so the SDK makes an Output for it), the program's arguments, and
 * `DRY_RUN_KEY` (check tells a preview from an update by it).
 */
export function registrationProps(
  outputKeys: readonly string[],
  args: object,
  dryRun: boolean,
): Record<string, unknown> {
  return { ...Object.fromEntries(outputKeys.map((k) => [k, undefined])), ...args, [DRY_RUN_KEY]: dryRun };
}
