/**
 * An error the provider raises for the user (the API refused the credentials, the portal is unreachable, a setting
 * is missing, a change the API cannot make) is shown once: as the failed operation's error on the PBX.
 *
 * The dynamic-provider host of `@pulumi/pulumi` also writes every error of `check`, `diff`, `read` and `delete` to
 * its stderr as `${err}: ${err.stack}` before it returns the error to the engine. The CLI shows that stderr on the
 * stack, so each failure appeared three times per display section (once on the PBX, twice on the stack, the second
 * copy with a stack trace). This module drops exactly that one stderr line for the errors `expect()` was given;
 * anything else written to stderr, and every error that is a programming mistake (a TypeError and the like, whose
 * stack is what a maintainer needs), is left alone. See docs/architecture.md, "Errors the user sees".
 */

/** Error types that mean a bug in this package, not something the user can fix: their stack stays visible. */
const BUGS = [TypeError, ReferenceError, RangeError, SyntaxError, EvalError, URIError];

/** The exact lines the host is about to print for expected errors, until it prints them. */
const pending = new Set<string>();
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  const original = console.error.bind(console);
  console.error = (...args: unknown[]) => {
    if (args.length === 1 && typeof args[0] === "string" && pending.delete(args[0])) return;
    original(...args);
  };
}

/** True for an error whose message is written for the user (see the header). */
export function isExpected(err: unknown): err is Error {
  return err instanceof Error && !BUGS.some((type) => err instanceof type) && err.name !== "AssertionError";
}

/**
 * Marks an error the provider is about to throw to the host: if it is expected, the host's stderr copy of it is
 * not printed, and its stack is dropped so no other path prints frames either. Returns the error.
 */
export function expect<T>(err: T): T {
  if (!isExpected(err)) return err;
  install();
  err.stack = `${err.name}: ${err.message}`;
  pending.add(`${String(err)}: ${err.stack}`);
  // The host prints synchronously after the rejection is handled; a line never printed must not linger.
  setTimeout(() => pending.delete(`${String(err)}: ${err.stack}`), 60_000).unref();
  return err;
}
