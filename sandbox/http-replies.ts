/**
 * Replies the sandbox's API routes share, whichever API they serve (the Partner Portal's, server.ts; a PBX's,
 * pbx-routes.ts): sending a JSON text, the sockets and timers faults hold, and applying an injected fault.
 */
import type { Socket } from "node:net";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { FaultSpec } from "./types";

/** Sockets held open by `hang` faults, and timers of injected latency, so close() can end them all. */
export class Connections {
  private readonly held = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  hold(socket: Socket): void {
    this.held.add(socket);
    socket.once("close", () => this.held.delete(socket));
  }

  releaseHeld(): void {
    for (const socket of this.held) socket.destroy();
    this.held.clear();
  }

  /** After close() the promise never settles: the request it delays is already gone with its socket. */
  sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      if (this.closed) return;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.releaseHeld();
  }
}

export function sendText(reply: FastifyReply, status: number, text: string): FastifyReply {
  return reply.code(status).type("application/json; charset=utf-8").send(text);
}

/** How one API words a fault: its error body for a status fault, its success body for a truncated one. */
export interface FaultWording {
  errorText(fault: FaultSpec & { status: number }): string;
  /** The full reply a `malformed` fault cuts in half when nothing was committed. */
  emptySuccessText: string;
}

/** Applies a fault; true when it produced the reply (or deliberately none). */
export async function applyFault(
  connections: Connections,
  wording: FaultWording,
  fault: FaultSpec,
  req: FastifyRequest,
  reply: FastifyReply,
  committed?: string,
): Promise<boolean> {
  await connections.sleep(fault.latencyMs ?? 0);
  if (fault.hang) {
    reply.hijack();
    connections.hold(req.raw.socket);
    return true;
  }
  if (fault.drop) {
    reply.hijack();
    req.raw.socket.destroy();
    return true;
  }
  if (fault.malformed) {
    const full = committed ?? wording.emptySuccessText;
    sendText(reply, 200, full.slice(0, Math.floor(full.length / 2)));
    return true;
  }
  if (fault.status !== undefined) {
    if (fault.retryAfterSeconds !== undefined) reply.header("retry-after", String(fault.retryAfterSeconds));
    sendText(reply, fault.status, wording.errorText({ ...fault, status: fault.status }));
    return true;
  }
  return false;
}
