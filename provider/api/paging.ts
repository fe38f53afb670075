/**
 * Walking a paged list of the Partner Portal (products, orders) and finding an entry by id or name: the loops
 * and look-ups every reader of the account shares.
 */
import type { PageRequest } from "./partner-api";
import type { Page } from "./schemas";

/** Page size for walking a list (the API's maximum). */
export const PAGE_SIZE = 100;
/** Guard against a server whose paging never ends. */
export const MAX_PAGES = 1000;

export interface PagingOptions {
  pageSize?: number;
  maxPages?: number;
  /** The error to throw when the list has more than `maxPages` pages; without it the walk just ends there. */
  tooMany?: (maxPages: number) => Error;
}

/**
 * Every entry of a paged list, page by page in order: the next page is read only when the caller asks for more
 * (a `return` or `break` in a `for await` stops the walk). Ends at the last page (`totalPage`) or an empty one.
 */
export async function* allEntries<T>(
  list: (page: PageRequest) => Promise<Page<T>>,
  options: PagingOptions = {},
): AsyncGenerator<T, void, undefined> {
  const pageSize = options.pageSize ?? PAGE_SIZE;
  const maxPages = options.maxPages ?? MAX_PAGES;
  for (let pageNo = 1; pageNo <= maxPages; pageNo++) {
    const page = await list({ pageNo, pageSize });
    yield* page.results;
    if (page.results.length === 0 || pageNo >= page.totalPage) return;
  }
  if (options.tooMany) throw options.tooMany(maxPages);
}

/**
 * The entry a user named by its id (exactly, surrounding spaces ignored) or by its name or email (in any case):
 * regions, billing contacts, subordinate users, each named by the keys of its id and its name. Undefined when none
 * matches (an empty value matches none).
 */
export function findByIdOrName<
  I extends string,
  N extends string,
  T extends { readonly [K in I]: string } & { readonly [K in N]?: string },
>(entries: readonly T[], wanted: string, idKey: I, nameKey: N): T | undefined {
  const id = wanted.trim();
  if (id === "") return undefined;
  const key = id.toLowerCase();
  return entries.find((e) => e[idKey] === id || (e[nameKey] ?? "").toLowerCase() === key);
}
