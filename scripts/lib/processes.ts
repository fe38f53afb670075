/**
 * Finds processes that a test's CLI run started, by scanning /proc: a process belongs to the run when its command
 * line or environment mentions one of the run's unique marks (the project directory, the private PULUMI_HOME), or
 * its working directory is inside the project directory. Every plugin the CLI starts (language host, program,
 * dynamic provider, policy pack) inherits that environment or runs in that directory.
 */
import * as fs from "node:fs";

export interface ProcessInfo {
  pid: number;
  cmdline: string;
}

function read(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

export function processesMarkedBy(marks: string[], dir?: string): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const cmdline = read(`/proc/${entry}/cmdline`).split("\0").join(" ").trim();
    if (!cmdline) continue; // a zombie, or gone while we looked
    let cwd = "";
    try {
      cwd = fs.readlinkSync(`/proc/${entry}/cwd`);
    } catch {
      // gone, or not ours to read
    }
    const environ = read(`/proc/${entry}/environ`);
    const mine =
      marks.some((m) => cmdline.includes(m) || environ.includes(m)) || (dir !== undefined && cwd.startsWith(dir));
    if (mine) found.push({ pid: Number(entry), cmdline });
  }
  return found;
}

/** Waits up to `graceMs` for the marked processes to be gone; returns those still running then. */
export async function leftBehind(marks: string[], dir?: string, graceMs = 2000): Promise<ProcessInfo[]> {
  const deadline = Date.now() + graceMs;
  for (;;) {
    const left = processesMarkedBy(marks, dir);
    if (left.length === 0 || Date.now() >= deadline) return left;
    await new Promise((r) => setTimeout(r, 100));
  }
}
