/**
 * The pack runs on `@pulumi/policy`, which this package lists as an optional peer dependency: a project installs
 * it only when it runs the pack (docs/purchase-review.md). Without it Node's own error is a bare
 * "Cannot find module" with a require stack; this says what is missing and how to install it instead.
 */

export const POLICY_RUNTIME = "@pulumi/policy";

/** The install command for the project that runs the preview. */
export const INSTALL_COMMAND = `npm install --save-dev ${POLICY_RUNTIME}`;

/**
 * Why the pack cannot start, or undefined when it can. `resolve` is `require.resolve` seen from the pack's
 * modules, so it finds exactly what the pack's own `require` would.
 */
export function runtimeProblem(resolve: (id: string) => string): string | undefined {
  try {
    resolve(POLICY_RUNTIME);
    return undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "MODULE_NOT_FOUND") throw error;
    return (
      `policy pack yeastar-guardrails cannot start: the package ${POLICY_RUNTIME} is not installed. ` +
      `The pack runs on it; install it in the Pulumi project that runs the preview (next to pulumi-yeastar-pseries): ` +
      `${INSTALL_COMMAND}`
    );
  }
}
