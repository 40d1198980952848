import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.js";
import { type OwnerSpec, explicitRepos, globMatch, ownerSpecs, ownerWants } from "../../src/config/portfolio.js";
import { ConfigError } from "../../src/errors.js";

const DEFAULTS: OwnerSpec = { name: "meta-llama", forks: false, archived: true, include: [], exclude: [], minStars: 0 };
const repo = { name: "llama-models", fork: false, archived: false, stars: 50 };

describe("portfolios in the config", () => {
  it("reads owner/* in repos and owners as the same owner with defaults", () => {
    const config = parseConfig(`projects:\n  - name: a\n    repos: [meta-llama/*, octo/one]\n  - name: b\n    owners: [meta-llama]\n`);
    expect(ownerSpecs(config.projects[0]!)).toEqual([DEFAULTS]);
    expect(ownerSpecs(config.projects[1]!)).toEqual([DEFAULTS]);
    expect(explicitRepos(config.projects[0]!)).toEqual(["octo/one"]);
  });

  it("reads the options of an owner", () => {
    const config = parseConfig(`projects:\n  - name: a\n    owners:\n      - { name: acme, forks: true, archived: false, include: ["llama*"], exclude: ["*-old"], minStars: 10 }\n`);
    expect(ownerSpecs(config.projects[0]!)).toEqual([{ name: "acme", forks: true, archived: false, include: ["llama*"], exclude: ["*-old"], minStars: 10 }]);
  });

  it.each([
    ["an owner that is not a GitHub name", `projects:\n  - name: a\n    owners: ["-bad"]\n`, /^projects\[0\]\.owners\[0\]: owner "-bad" is not a valid GitHub owner name$/],
    ["a wildcard owner that is not a GitHub name", `projects:\n  - name: a\n    repos: ["../*"]\n`, /^projects\[0\]\.repos\[0\]: owner "\.\." is not a valid/],
    ["an owner given twice", `projects:\n  - name: a\n    repos: [acme/*]\n    owners: [ACME]\n`, /^projects\[0\]\.repos: owner "acme" is given twice$/],
    ["an unknown option", `projects:\n  - name: a\n    owners: [{ name: acme, fork: true }]\n`, /^projects\[0\]\.owners\[0\]/],
  ])("rejects %s", (_name, yaml, expected) => {
    // ConfigError's message is its problems, one a line.
    expect(() => parseConfig(yaml)).toThrow(ConfigError);
    expect(() => parseConfig(yaml)).toThrow(new RegExp(expected.source, "m"));
  });

  it.each([
    ["a plain repository", DEFAULTS, repo, true],
    ["a fork, by default", DEFAULTS, { ...repo, fork: true }, false],
    ["a fork, when forks are asked for", { ...DEFAULTS, forks: true }, { ...repo, fork: true }, true],
    ["an archived repository, by default", DEFAULTS, { ...repo, archived: true }, true],
    ["an archived repository, when archived ones are left out", { ...DEFAULTS, archived: false }, { ...repo, archived: true }, false],
    ["fewer stars than the minimum", { ...DEFAULTS, minStars: 51 }, repo, false],
    ["the minimum of stars exactly", { ...DEFAULTS, minStars: 50 }, repo, true],
    ["a name outside the include patterns", { ...DEFAULTS, include: ["codellama*"] }, repo, false],
    ["a name inside the include patterns, in another case", { ...DEFAULTS, include: ["LLAMA-*"] }, repo, true],
    ["an excluded name", { ...DEFAULTS, exclude: ["*-models"] }, repo, false],
  ])("decides membership: %s", (_name, spec, listed, wanted) => {
    expect(ownerWants(spec, listed)).toBe(wanted);
  });

  it("matches patterns whole, with * and ? only", () => {
    expect(globMatch("llama?", "llama3")).toBe(true);
    expect(globMatch("llama?", "llama31")).toBe(false);
    expect(globMatch("a.b", "axb")).toBe(false);
    expect(globMatch("*", "anything.at-all")).toBe(true);
  });
});
