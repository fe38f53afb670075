/** Moved to scripts/lib so the CLI runner shared with scripts can use it; re-exported for the tests. */
export * from "../../scripts/lib/processes";
