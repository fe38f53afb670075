/**
 * Imported first by the pack's entry point (`index.ts`), before anything loads `@pulumi/policy`: when it is not
 * installed, the pack says so in one line and exits, instead of failing with Node's require stack.
 */
import { runtimeProblem } from "./runtime";

const problem = runtimeProblem((id) => require.resolve(id));
if (problem !== undefined) {
  process.stderr.write(`${problem}\n`);
  process.exit(1);
}
