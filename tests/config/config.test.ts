import { describe, expect, it } from "vitest";
import { loadTokens, parseConfig } from "../../src/config/load.js";
import { ConfigError } from "../../src/errors.js";

function problems(yaml: string): string[] {
  try {
    parseConfig(yaml);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

const base = `projects:\n  - name: a\n    repos: [octo/one]\n`;

describe("config validation", () => {
  it("accepts a minimal config and fills the defaults", () => {
    const config = parseConfig(base);
    expect(config.models.map((m) => m.name)).toEqual(["seed"]);
    expect(config.models[0]).toMatchObject({ alpha: 1, beta: 1, gamma: 1, k: 1, m: 1, n: 1, window: 90 });
    expect(config.github.apiUrl).toBe("https://api.github.com");
    expect(config.schedule.collect).toBe("0 3 * * *");
  });

  it.each([
    ["malformed owner/repo", `projects:\n  - name: a\n    repos: [octo]\n`, /^projects\[0\]\.repos\[0\]: must be "owner\/repo"/],
    ["a name escaping the URL path", `projects:\n  - name: a\n    repos: ["../x"]\n`, /^projects\[0\]\.repos\[0\]: owner "\.\." is not a valid/],
    ["a repo of '..'", `projects:\n  - name: a\n    repos: ["octo/.."]\n`, /^projects\[0\]\.repos\[0\]: repository "\.\." is not valid|^projects\[0\]\.repos\[0\]: repository/],
    ["an unknown key", `${base}colour: blue\n`, /^colour: unknown key$/],
    ["an unknown nested key", `${base}github:\n  apiUrl: https://x.test\n  tokn: abc\n`, /^github\.tokn: unknown key$/],
    ["a duplicate project name", `projects:\n  - name: a\n    repos: [o/r]\n  - name: A\n    repos: [o/s]\n`, /^projects\[1\]\.name: duplicate project name "A"$/],
    ["a bad cron expression", `${base}schedule:\n  collect: "every day"\n`, /^schedule\.collect: invalid cron expression "every day"$/],
    ["an unknown timezone", `${base}schedule:\n  timezone: Mars/Base\n`, /^schedule\.timezone: unknown timezone/],
    ["a negative weight", `${base}models:\n  - name: x\n    alpha: -1\n`, /^models\[0\]\.alpha: /],
    ["a duplicate model", `${base}models:\n  - name: x\n  - name: x\n`, /^models\[1\]\.name: duplicate model name/],
    ["no projects", `projects: []\n`, /^projects: track at least one project$/],
    ["bad YAML", `projects: [\n`, /^config: /],
  ])("rejects %s with a path: message line", (_name, yaml, expected) => {
    const lines = problems(yaml);
    expect(lines.some((l) => expected.test(l)), lines.join("\n")).toBe(true);
  });

  it("reports every problem at once", () => {
    const lines = problems(`projects:\n  - name: a\n    repos: [bad, "../x"]\ncolour: 1\nschedule:\n  collect: nope\n`);
    expect(lines.length).toBeGreaterThanOrEqual(4);
  });
});

describe("tokens from the environment", () => {
  it("prefers GITHUB_TOKENS, then GITHUB_TOKEN, then GH_TOKEN", () => {
    expect(loadTokens({ GITHUB_TOKENS: "t1, t2", GITHUB_TOKEN: "x" })).toEqual(["t1", "t2"]);
    expect(loadTokens({ GITHUB_TOKEN: " t3\n" })).toEqual(["t3"]);
    expect(loadTokens({ GH_TOKEN: "t4" })).toEqual(["t4"]);
    expect(loadTokens({})).toEqual([]);
  });

  it("rejects a variable that is set but blank, without echoing values", () => {
    expect(() => loadTokens({ GITHUB_TOKEN: "  " })).toThrow(/GITHUB_TOKEN: is set but empty/);
  });
});
