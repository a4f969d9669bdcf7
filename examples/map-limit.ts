/**
 * `mapLimit`: run an async function over items with at most `limit` calls at once, results in
 * input order, every call settled (a failure does not stop the others). Shared by the examples.
 */

/** The outcome of one item. */
export type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

/**
 * Maps `items` through `fn` with at most `limit` calls running at once.
 *
 * @param items - The inputs.
 * @param limit - The most calls at once (at least 1).
 * @param fn - The work for one item.
 * @returns Each item's outcome, in input order.
 * @example
 * ```ts
 * const results = await mapLimit([1, 2, 3], 2, async (n) => n * 2);
 * ```
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<Array<Settled<R>>> {
  if (!Number.isInteger(limit) || limit < 1) throw new TypeError(`limit must be an integer ≥ 1, got ${limit}`);
  const results: Array<Settled<R>> = new Array<Settled<R>>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = { ok: true, value: await fn(items[i] as T, i) };
      } catch (error) {
        results[i] = { ok: false, error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
