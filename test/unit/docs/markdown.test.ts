/** The docs test's Markdown reader: which blocks run, and the markers that change that. */
import * as assert from "node:assert/strict";
import { shellBlocks } from "../../helpers/markdown";

describe("docs test: shell blocks of a Markdown file", function () {
  it("finds sh, bash and shell blocks in order, also indented in a list item, and nothing else", function () {
    const md = [
      "# Title",
      "```sh",
      "echo one",
      "```",
      "```ts",
      "const x = 1;",
      "```",
      "1. Step:",
      "",
      "   ```bash",
      "   echo two",
      "     echo indented",
      "   ```",
      "~~~shell",
      "echo three",
      "~~~",
      "```",
      "not a shell block",
      "```",
    ].join("\n");
    assert.deepEqual(shellBlocks(md), [
      { line: 2, code: "echo one" },
      { line: 10, code: "echo two\n  echo indented" },
      { line: 14, code: "echo three" },
    ]);
  });

  it("reads skip and expect-failure markers with their reasons", function () {
    const md = [
      "<!-- docs-test: skip (runs forever) -->",
      "```sh",
      "server",
      "```",
      "text",
      "<!-- docs-test: expect-failure (policy is mandatory) -->",
      "",
      "```sh",
      "false",
      "```",
    ].join("\n");
    assert.deepEqual(shellBlocks(md), [
      { line: 2, code: "server", marker: "skip", reason: "runs forever" },
      { line: 8, code: "false", marker: "expect-failure", reason: "policy is mandatory" },
    ]);
  });

  it("refuses a marker without a reason, an unknown marker, and a marker not followed by a shell block", function () {
    assert.throws(
      () => shellBlocks("<!-- docs-test: skip -->\n```sh\nx\n```", "A.md"),
      /A\.md:1: .*without a \(reason\)/,
    );
    assert.throws(
      () => shellBlocks("<!-- docs-test: maybe (x) -->\n```sh\nx\n```", "B.md"),
      /B\.md:1: unknown .*"maybe"/,
    );
    assert.throws(
      () => shellBlocks("<!-- docs-test: skip (x) -->\nprose\n```sh\nx\n```", "C.md"),
      /C\.md:1: .*not followed/,
    );
    assert.throws(() => shellBlocks("<!-- docs-test: skip (x) -->\n```ts\nx\n```", "D.md"), /D\.md:1: .*ts block/);
    assert.throws(() => shellBlocks("text\n<!-- docs-test: skip (x) -->\n", "E.md"), /E\.md:2: .*end of the file/);
  });
});
