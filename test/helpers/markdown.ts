/**
 * Shell blocks of a Markdown file, for the docs test: fenced blocks tagged `sh`, `bash` or `shell`, at any
 * indentation (inside list items too), each with the docs-test marker written right before it, if any:
 *   <!-- docs-test: skip (why) -->            the block is not run
 *   <!-- docs-test: expect-failure (why) -->  the block must fail
 * A marker must give a reason, and must be followed by a shell block.
 */
export interface ShellBlock {
  /** 1-based line of the opening fence. */
  line: number;
  code: string;
  marker?: "skip" | "expect-failure";
  reason?: string;
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/;
const MARKER = /^\s*<!--\s*docs-test:\s*([\w-]+)\s*(?:\((.+)\))?\s*-->\s*$/;
const SHELLS = new Set(["sh", "bash", "shell"]);

export function shellBlocks(markdown: string, file = "markdown"): ShellBlock[] {
  const lines = markdown.split("\n");
  const blocks: ShellBlock[] = [];
  let pending: { marker: ShellBlock["marker"]; reason: string; line: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const marker = MARKER.exec(lines[i]);
    if (marker) {
      if (marker[1] !== "skip" && marker[1] !== "expect-failure") {
        throw new Error(`${file}:${i + 1}: unknown docs-test marker ${JSON.stringify(marker[1])}`);
      }
      if (!marker[2]) throw new Error(`${file}:${i + 1}: docs-test marker without a (reason)`);
      pending = { marker: marker[1], reason: marker[2], line: i + 1 };
      continue;
    }
    const open = FENCE.exec(lines[i]);
    if (!open) {
      if (pending && lines[i].trim() !== "") {
        throw new Error(`${file}:${pending.line}: docs-test marker not followed by a shell block`);
      }
      continue;
    }
    const [, indent, fence, lang] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = FENCE.exec(lines[j]);
      if (close && close[2][0] === fence[0] && close[2].length >= fence.length && close[3] === "") break;
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j].trimStart());
    }
    if (SHELLS.has(lang)) {
      blocks.push({
        line: i + 1,
        code: body.join("\n"),
        ...(pending ? { marker: pending.marker, reason: pending.reason } : {}),
      });
    } else if (pending) {
      throw new Error(`${file}:${pending.line}: docs-test marker before a ${lang || "plain"} block, not a shell block`);
    }
    pending = undefined;
    i = j;
  }
  if (pending) throw new Error(`${file}:${pending.line}: docs-test marker at the end of the file`);
  return blocks;
}
