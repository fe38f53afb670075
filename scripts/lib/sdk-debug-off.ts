/**
 * A measurement only, for `npm run bench:preview`'s "no SDK debug logs" variant; never part of the package.
 * Loaded with `node --require` into a bench program, it drops @pulumi/pulumi's debug-severity log messages before
 * they become Engine/Log calls. The SDK sends three per resource it registers ("Registering resource",
 * "RegisterResource RPC prepared", "RegisterResource RPC finished"), whatever the CLI's verbosity, and each is a
 * gRPC round trip with a recorded stack; the variant shows what a preview would cost without them.
 */
const log = require(require.resolve("@pulumi/pulumi/log", { paths: [process.cwd()] }));
log.debug = () => Promise.resolve();
