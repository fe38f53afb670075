/**
 * Why a refresh can fail against a Partner Portal the program no longer names.
 *
 * `pulumi refresh` and `pulumi destroy` do not run the program (unless asked with `--run-program`), so the engine
 * configures the provider from the configuration the stack's state recorded at the last `pulumi up`. A stack
 * whose `yeastar:baseUrl` moved (a CI sandbox on another port) or whose client secret was rotated since then
 * previews fine, but its refresh calls the old URL with the old secret. The provider cannot see the current
 * configuration in such a run, so when a read meets an unreachable portal or refused credentials, its error says
 * what may have happened and what to run (docs/architecture.md, "Errors the user sees").
 */
import { ApiError, NetworkError } from "./errors";

/** Reasons of a connection that never reached an HTTP server at that address. */
const UNREACHABLE = /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH)\b/;

/** True when `err` is what a stale recorded configuration produces: no server at the URL, or credentials refused. */
export function looksLikeRecordedConfig(err: unknown): boolean {
  if (err instanceof NetworkError) return UNREACHABLE.test(err.reason);
  return err instanceof ApiError && err.httpStatus === 401;
}

export function recordedConfigAdvice(baseUrl: string): string {
  return (
    `If this is a \`pulumi refresh\` or \`pulumi destroy\` and yeastar:baseUrl, yeastar:clientId or yeastar:clientSecret ` +
    `changed since the stack's last \`pulumi up\`: such a run does not run the program, so the provider uses the ` +
    `configuration the state recorded at that \`up\` (here yeastar:baseUrl is ${baseUrl}). Run ` +
    "`pulumi refresh --run-program` (or `pulumi destroy --run-program`, or `pulumi up` first) to use the current " +
    "configuration."
  );
}

/** Adds the advice to such an error's message (in place; the error's class and fields stay). Returns the error. */
export function withRecordedConfigAdvice<T>(err: T, baseUrl: string): T {
  if (looksLikeRecordedConfig(err)) {
    const e = err as unknown as Error;
    e.message = `${e.message} ${recordedConfigAdvice(baseUrl)}`;
  }
  return err;
}
