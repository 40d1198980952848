import { z } from "zod";
import { DEFAULT_USER_AGENT, withDefaults, type HttpClient } from "./http.js";
import { collectors } from "./index.js";
import type { CollectorContext, RegistryCollector, ReleaseAssetSource } from "./types.js";

/** One registry's entry: where its API is and how politely to call it. Defaults come from its collector. */
function settingsSchema(collector: RegistryCollector, defaults: NonNullable<RegistryCollector["defaults"]>) {
  const minInterval = defaults.minIntervalMs ?? 0;
  return z
    .strictObject({
      baseUrl: z
        .url({ protocol: /^https?$/ })
        .default(defaults.baseUrl)
        .describe(`base URL of the ${collector.title} API (a mirror, a test server)`),
      userAgent: z
        .string()
        .min(1)
        .default(defaults.userAgent ?? DEFAULT_USER_AGENT)
        .describe(`User-Agent sent to ${collector.title}`),
      timeoutMs: z.number().int().min(100).max(600_000).default(30_000).describe("per-attempt request timeout"),
      minIntervalMs: z
        .number()
        .int()
        .min(minInterval, `${collector.title} asks for at least ${minInterval} ms between requests`)
        .max(60_000)
        .default(minInterval)
        .describe("minimum time between two requests to this registry's host"),
    })
    .prefault({});
}

export type RegistrySettings = z.output<ReturnType<typeof settingsSchema>>;

/**
 * `registries:` in the config: one entry per registry id that calls an API of its own, e.g.
 * `registries: { npm: { baseUrl: "http://127.0.0.1:8080" } }`. GitHub release assets use `github:`.
 */
export const registriesConfigSchema = z
  .strictObject(
    Object.fromEntries(
      (collectors as readonly RegistryCollector[]).flatMap((c) => (c.defaults ? [[c.id, settingsSchema(c, c.defaults)]] : [])),
    ) as Record<string, ReturnType<typeof settingsSchema>>,
  )
  .prefault({});

export type RegistriesConfig = z.output<typeof registriesConfigSchema>;

/** The context a collector runs in: the shared client, bound to this registry's settings. */
export function collectorContext(
  collector: RegistryCollector,
  registries: RegistriesConfig,
  deps: { http: HttpClient; github: ReleaseAssetSource; now: Date },
): CollectorContext {
  const settings = registries[collector.id];
  if (!settings) return { http: deps.http, baseUrl: "", now: deps.now, github: deps.github };
  const { baseUrl, userAgent, timeoutMs, minIntervalMs } = settings;
  return {
    http: withDefaults(deps.http, { userAgent, timeoutMs, minIntervalMs }),
    baseUrl: baseUrl.replace(/\/+$/, ""),
    now: deps.now,
    github: deps.github,
  };
}
