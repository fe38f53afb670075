/* global require, module, __dirname */
// The end-to-end files (test/e2e, built into dist/test/e2e), run three at a time in mocha's parallel mode. Most of
// a file's time is spent waiting (sandbox latency, order timeouts, killed and resumed runs), so a third worker
// uses CPU that two leave idle. Mocha hands the files to its workers in this order, so the longest start first
// (measured one file at a time, README "Development"); a long file started last would run alone at the end. Files
// not listed run after them, in name order.
const fs = require("node:fs");
const path = require("node:path");

const DIR = path.join("dist", "test", "e2e");
const LONGEST_FIRST = [
  "docs",
  "ci-recipe",
  "chaos",
  "never-buy-twice",
  "bad-input",
  "faults",
  "package",
  "planned-orders",
  "large-fleet",
  "pbx-lifecycle",
  "rate-limit",
].map((name) => path.join(DIR, `${name}.test.js`));

const built = fs.existsSync(path.join(__dirname, DIR))
  ? fs
      .readdirSync(path.join(__dirname, DIR))
      .filter((f) => f.endsWith(".test.js"))
      .map((f) => path.join(DIR, f))
      .sort()
  : [];

module.exports = {
  spec: [...LONGEST_FIRST.filter((f) => built.includes(f)), ...built.filter((f) => !LONGEST_FIRST.includes(f))],
  require: [path.join("dist", "test", "helpers", "compile-cache.js")],
  timeout: 600000,
  slow: 30000,
  parallel: true,
  jobs: 3,
};
