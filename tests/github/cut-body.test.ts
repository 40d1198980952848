import { afterEach, describe, expect, it } from "vitest";
import { GitHubClient } from "../../src/github/client.js";
import { IssueItem } from "../../src/github/schemas.js";
import { createHttpClient } from "../../src/registries/http.js";
import { type Loopback, listenLoopback } from "../support/loopback.js";

/** A body cut mid-stream: headers and part of the JSON arrive, then the connection closes. */

let server: Loopback | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function cuttingServer(): Promise<{ url: string; requests: () => number }> {
  let requests = 0;
  server = await listenLoopback((_req, res) => {
    requests++;
    res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": "5000" });
    res.write('[{"number": 1, "state": "open", "us');
    setImmediate(() => res.socket?.destroy());
  });
  return { url: server.url, requests: () => requests };
}

describe("a body cut mid-stream", () => {
  it("GitHub: is reported as a closed connection (retried like one), never as 'not JSON (0 bytes)'", async () => {
    const { url, requests } = await cuttingServer();
    const gh = new GitHubClient({ apiUrl: url, tokens: [], userAgent: "t", timeoutMs: 5000, graphql: "never", retryBaseMs: 1 });
    const error = (await gh.page("o/r", "/repos/o/r/issues?per_page=100", IssueItem).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/GET \/repos\/o\/r\/issues \(page 1, per_page 100\): network error: connection closed before the whole answer arrived/);
    expect(error.message).not.toMatch(/not JSON|0 bytes/);
    expect(requests()).toBe(4);
  });

  it("registries: the same words", async () => {
    const { url, requests } = await cuttingServer();
    const lines: string[] = [];
    const http = createHttpClient({ sleep: async () => {}, log: (line) => lines.push(line) });
    const error = (await http.getJson(`${url}/downloads/point/last-day/x`, { source: "npm:x" }).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe(`npm:x: GET ${url}/downloads/point/last-day/x: connection closed before the whole answer arrived`);
    expect(requests()).toBe(4);
    // Three retries logged, for three retries made.
    expect(lines).toHaveLength(3);
    expect(lines.every((line) => /retrying in/.test(line))).toBe(true);
  });
});
