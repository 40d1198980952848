import { describe, expect, it } from "vitest";
import { Pacer } from "../../src/github/pace.js";
import { snapshotBatchQuery } from "../../src/github/queries.js";
import { queryCost } from "../support/fake-github/index.js";

describe("pacing to the secondary limits", () => {
  it("sends up to the limit at once, and the next only when the first leaves the window", async () => {
    const pacer = new Pacer({ restPerMinute: 3, graphqlPerMinute: 1 }, () => performance.now(), 300);
    const t0 = performance.now();
    await Promise.all([pacer.take("rest"), pacer.take("rest"), pacer.take("rest"), pacer.take("graphql")]);
    expect(performance.now() - t0).toBeLessThan(250);
    await pacer.take("rest");
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
  });

  it("holds every kind of request during a pause", async () => {
    const pacer = new Pacer({ restPerMinute: 100, graphqlPerMinute: 100 }, () => performance.now(), 300);
    const t0 = performance.now();
    pacer.pause(200);
    await Promise.all([pacer.take("rest"), pacer.take("graphql")]);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(190);
  });
});

describe("GraphQL cost, by GitHub's formula (as the loopback GitHub charges it)", () => {
  it("the documentation's example costs 51 points", () => {
    const query = `query { viewer { login repositories(first: 100) { edges { node { id issues(first: 50) { totalCount edges { node { title labels(first: 60) { edges { node { name } } } } } } } } } } }`;
    expect(queryCost({ query })).toBe(51);
  });

  it.each([
    [1, 1],
    [24, 1],
    [40, 2],
    [100, 6],
  ])("a snapshot batch of %i repositories costs %i points", (repos, points) => {
    const variables: Record<string, string> = {};
    for (let i = 0; i < repos; i++) Object.assign(variables, { [`o${i}`]: "o", [`n${i}`]: `r${i}` });
    expect(queryCost({ query: snapshotBatchQuery(repos), variables })).toBe(points);
  });
});
