/**
 * A large listing: `Cluster.resources()` returning 10 000 guests — the time of fetch + parse +
 * validation next to `JSON.parse` of the same body alone (and next to a raw `node:https` fetch +
 * `JSON.parse`, to show what the transfer costs by itself), and the peak memory of each (JS heap +
 * Buffers above the baseline, from V8's own accounting: RSS is too coarse here, since V8 keeps and
 * reuses pages it has freed, so the same work can move RSS by 1 MiB or by 30).
 */
import { rawAgent, rawRequest, rawText, sdkResources, sdkSession } from '../clients.js';
import type { BenchServer } from '../server.js';
import { collectGarbage, median, peakMemory, roundOrder } from '../stats.js';

const MiB = 1024 * 1024;

/** What the listing case found. */
export interface ListingResult {
  guests: number;
  bodyBytes: number;
  rounds: number;
  /** Median milliseconds of one listing. */
  timeMs: { sdk: number; rawFetchParse: number; jsonParse: number };
  /** Per-round ratios to `JSON.parse` alone, median over rounds. */
  ratio: { sdk: number; rawFetchParse: number };
  /** Peak JS heap + external memory above the baseline, MiB (median over rounds); see `peakMemory`. */
  peakMiB: { sdk: number; rawFetchParse: number; jsonParse: number };
}

/**
 * Runs the listing case.
 *
 * @param server - The bench server (serving `guests` guests).
 * @param guests - How many it serves.
 * @param rounds - Rounds (each measures each way once for time, once for memory).
 * @param progress - Told what runs.
 * @returns The figures.
 */
export async function runListing(
  server: BenchServer,
  guests: number,
  rounds: number,
  progress: (msg: string) => void,
): Promise<ListingResult> {
  const t = server.target;
  const api = sdkSession(t);
  const agent = rawAgent(t);
  const url = '/api2/json/cluster/resources?type=vm';
  try {
    const text = await rawText(agent, t, 'GET', url);
    const sdkCount = (await sdkResources(api)).length;
    if (sdkCount !== guests) throw new Error(`listing: the SDK returned ${sdkCount} guests, expected ${guests}`);
    const cases: Record<'sdk' | 'rawFetchParse' | 'jsonParse', () => Promise<unknown>> = {
      sdk: () => sdkResources(api),
      rawFetchParse: () => rawRequest(agent, t, 'GET', url),
      jsonParse: async () => JSON.parse(text) as unknown,
    };
    const names = Object.keys(cases) as Array<keyof typeof cases>;
    for (const name of names) await cases[name](); // warm up
    const times: Record<keyof typeof cases, number[]> = { sdk: [], rawFetchParse: [], jsonParse: [] };
    const peaks: Record<keyof typeof cases, number[]> = { sdk: [], rawFetchParse: [], jsonParse: [] };
    for (let round = 0; round < rounds; round++) {
      progress(`listing: round ${round + 1}/${rounds}`);
      for (const name of roundOrder(names, round)) {
        collectGarbage();
        const t0 = performance.now();
        await cases[name]();
        times[name].push(performance.now() - t0);
      }
      for (const name of roundOrder(names, round)) peaks[name].push((await peakMemory(cases[name])).peakBytes / MiB);
    }
    const ratioTo = (name: keyof typeof cases): number => median(times[name].map((ms, i) => ms / (times.jsonParse[i] ?? NaN)));

    return {
      guests,
      bodyBytes: Buffer.byteLength(text),
      rounds: rounds,
      timeMs: { sdk: median(times.sdk), rawFetchParse: median(times.rawFetchParse), jsonParse: median(times.jsonParse) },
      ratio: { sdk: ratioTo('sdk'), rawFetchParse: ratioTo('rawFetchParse') },
      peakMiB: { sdk: median(peaks.sdk), rawFetchParse: median(peaks.rawFetchParse), jsonParse: median(peaks.jsonParse) },
    };
  } finally {
    api.close();
    agent.destroy();
  }
}
