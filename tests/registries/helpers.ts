import nock from "nock";
import { afterAll, afterEach, beforeAll } from "vitest";
import { collectorContext, registriesConfigSchema } from "../../src/registries/config.js";
import { createHttpClient, type HttpClient } from "../../src/registries/http.js";
import type { CollectorContext, RegistryCollector, ReleaseAssetSource } from "../../src/registries/types.js";

/** "Now" in every registry test: 03:00 UTC, after the registries published yesterday. */
export const NOW = "2026-11-20T03:00:00Z";

/** A clock that only moves when the code sleeps, so waits are exact and instant. */
export function fakeTime(start: string = NOW) {
  let t = Date.parse(start);
  const sleeps: number[] = [];
  return {
    clock: () => new Date(t),
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    sleeps,
    ms: () => t,
  };
}

export type FakeTime = ReturnType<typeof fakeTime>;

export function testHttp(time: FakeTime): HttpClient {
  return createHttpClient({ clock: time.clock, sleep: time.sleep });
}

const noGithub: ReleaseAssetSource = {
  listReleaseAssets: () => Promise.reject(new Error("no GitHub in this test")),
};

/** The context the job would build for this collector from the default config. */
export function contextFor(
  collector: RegistryCollector,
  time: FakeTime,
  options: { github?: ReleaseAssetSource; http?: HttpClient; now?: Date } = {},
): CollectorContext {
  return collectorContext(collector, registriesConfigSchema.parse({}), {
    http: options.http ?? testHttp(time),
    github: options.github ?? noGithub,
    now: options.now ?? time.clock(),
  });
}

/** nock with the network off; every test asserts its scopes are done. */
export function useNock(): void {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());
}

/** What a CDN sends instead of JSON when it rate-limits (npm's Cloudflare error 1015, nice-registry/download-counts#8). */
export const HTML_429 = "<!DOCTYPE html><html><head><title>Access denied | api rate limited</title></head><body>Error 1015</body></html>";
