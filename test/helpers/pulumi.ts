/** The CLI runner lives in scripts/lib so scripts (bench, chaos) share it without importing test code. */
export * from "../../scripts/lib/pulumi-cli";
