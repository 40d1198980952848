/** The HTTP client registry collectors use (retries, timeouts, 429 back-off, zod validation). */
export interface HttpClient {
  getJson(url: string, source: string): Promise<unknown>;
}
