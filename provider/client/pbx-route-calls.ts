/**
 * The inbound-route calls of a PBX's own API (provider/api/pbx-inbound-routes.ts) over the PBX client's channel
 * (pbx-client.ts): reads retried, writes sent once, with the client's error classes and redaction. One file per
 * PBX-configuration kind keeps the client itself the machinery.
 */
import { PBX_ERRCODES, PbxCreated, PbxEnvelope } from "../api/pbx-api";
import {
  PbxInboundRouteOne,
  PbxInboundRoutePage,
  inboundRouteBody,
  inboundRouteOf,
  type InboundRouteFields,
  type PbxInboundRoute,
} from "../api/pbx-inbound-routes";
import { ApiError, ConfigError } from "./errors";
import { pbxErrcodeOf, type PbxCall } from "./pbx-call";

/** What a kind's calls need of the client: a read (retried) and a write (sent once). */
export interface PbxChannel {
  read<T>(spec: PbxCall<T>): Promise<T>;
  sendOnce<T>(spec: PbxCall<T>): Promise<T>;
}

const PAGE_SIZE = 100;
/** As the extensions' list: a server that never ends its list is stopped here. */
const MAX_PAGES = 100;

function assertRouteId(id: string): void {
  if (typeof id !== "string" || !/^\d{1,18}$/.test(id)) {
    throw new ConfigError("id", "an inbound route id is a decimal number", String(id));
  }
}

export async function listInboundRoutes(c: PbxChannel): Promise<PbxInboundRoute[]> {
  const byId = new Map<string, PbxInboundRoute>();
  for (let page = 1; page <= MAX_PAGES; page++) {
    const reply = await c.read({
      endpoint: "inboundRouteList",
      method: "GET",
      query: { page, page_size: PAGE_SIZE },
      schema: PbxInboundRoutePage,
    });
    const entries = reply.data.map(inboundRouteOf);
    for (const r of entries) byId.set(r.id, r);
    if (entries.length < PAGE_SIZE || byId.size >= reply.total_number) break;
  }
  return [...byId.values()];
}

export async function getInboundRoute(c: PbxChannel, id: string): Promise<PbxInboundRoute | undefined> {
  assertRouteId(id);
  try {
    const reply = await c.read({
      endpoint: "inboundRouteGet",
      method: "GET",
      query: { id },
      schema: PbxInboundRouteOne,
    });
    return inboundRouteOf(reply.data);
  } catch (err) {
    // As an extension's get: only the PBX's own "no such route" on a good HTTP status.
    if (pbxErrcodeOf(err) === PBX_ERRCODES.notFound && (err as ApiError).httpStatus < 400) return undefined;
    throw err;
  }
}

export async function createInboundRoute(c: PbxChannel, fields: InboundRouteFields): Promise<string> {
  const reply = await c.sendOnce({
    endpoint: "inboundRouteCreate",
    method: "POST",
    json: inboundRouteBody(fields),
    schema: PbxCreated,
    operation: `create inbound route ${fields.name}`,
  });
  return reply.id;
}

export async function updateInboundRoute(c: PbxChannel, id: string, fields: InboundRouteFields): Promise<void> {
  assertRouteId(id);
  await c.sendOnce({
    endpoint: "inboundRouteUpdate",
    method: "POST",
    json: inboundRouteBody(fields, id),
    schema: PbxEnvelope,
    operation: `update inbound route ${fields.name} (id ${id})`,
  });
}

export async function deleteInboundRoute(c: PbxChannel, id: string): Promise<void> {
  assertRouteId(id);
  // Documented as a GET that deletes (`inbound_route/delete?id=`): sent once like the other writes.
  await c.sendOnce({
    endpoint: "inboundRouteDelete",
    method: "GET",
    query: { id },
    schema: PbxEnvelope,
    operation: `delete inbound route id ${id}`,
  });
}
