/**
 * Loaded by mocha (.mocharc.e2e.cjs, `require`) before the end-to-end files: every Node.js process the tests
 * start (the Pulumi program, the dynamic provider, policy packs, the sandbox CLI) inherits NODE_COMPILE_CACHE and
 * reuses the compiled code of the modules it loads (@pulumi/pulumi, TypeScript, this package) instead of compiling
 * them again, about a third of each process's start-up CPU. It changes no behaviour under test. The cache lives in
 * the git-ignored .e2e-tmp/ and is filled by the first processes of a run.
 */
import * as path from "node:path";
import * as nodeModule from "node:module";

const dir = path.resolve(__dirname, "..", "..", "..", ".e2e-tmp", "node-compile-cache");
process.env.NODE_COMPILE_CACHE ??= dir;
// The mocha worker itself, too (Node.js >= 22.1).
(nodeModule as { enableCompileCache?: (dir: string) => unknown }).enableCompileCache?.(process.env.NODE_COMPILE_CACHE);
