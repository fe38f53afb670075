/**
 * Single-flight cache of a client's slow-changing lists (regions, billing contacts, subordinate users): concurrent
 * callers share one request, and a failure is not cached, so the next caller asks again.
 */
export class SingleFlight {
  private readonly entries = new Map<string, Promise<unknown>>();

  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    let hit = this.entries.get(key) as Promise<T> | undefined;
    if (!hit) {
      hit = load();
      this.entries.set(key, hit);
      hit.catch(() => {
        if (this.entries.get(key) === hit) this.entries.delete(key);
      });
    }
    return hit;
  }

  /** Forgets one entry (after a write that changes it). */
  delete(key: string): void {
    this.entries.delete(key);
  }
}
