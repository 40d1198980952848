import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HostError } from "../../src/errors.js";
import { GitHubClient } from "../../src/github/client.js";
import { IssueItem } from "../../src/github/schemas.js";
import { type FakeGitHub, generateRepo, startFakeGitHub } from "../support/fake-github/index.js";

describe("per-attempt timeout", () => {
  let fake: FakeGitHub;
  beforeAll(async () => {
    fake = await startFakeGitHub({ repos: [generateRepo({ owner: "o", name: "r", id: 1, seed: 1, commits: 5, issues: 5, pulls: 0, releases: 0, startDay: "2026-11-01", endDay: "2026-11-02" })] });
  });
  afterAll(async () => {
    await fake.close();
  });

  const client = () => new GitHubClient({ apiUrl: fake.url, tokens: [], userAgent: "t", timeoutMs: 300, graphql: "never", retryBaseMs: 1 });

  it("gives every retry a fresh timeout, so a server that hangs once is retried for real", async () => {
    const hang = fake.state.addFault({ path: "/repos/o/r/issues", times: 1, respond: "hang" });
    fake.resetLog();
    const page = await client().page("o/r", "/repos/o/r/issues?per_page=100", IssueItem);
    expect(page.items).toHaveLength(5);
    expect(fake.requests.filter((r) => r.path === "/repos/o/r/issues")).toHaveLength(2);
    hang.remove();
  });

  it("reports a server that never answers as a timeout, not as a 500", async () => {
    const hang = fake.state.addFault({ path: "/repos/o/r/issues", respond: "hang" });
    fake.resetLog();
    const error = await client().page("o/r", "/repos/o/r/issues?per_page=100", IssueItem).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostError);
    expect(String(error)).toMatch(/timed out/);
    // Four attempts (one try and three retries), each one really sent.
    expect(fake.requests.filter((r) => r.path === "/repos/o/r/issues")).toHaveLength(4);
    hang.remove();
  });
});
