/**
 * Every token oss-pulse knows is registered here; every text that leaves the process
 * (logs, errors, database rows) passes through redact().
 */
const secrets = new Set<string>();

export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 4) secrets.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join("[REDACTED]");
  }
  return out;
}

/** A short, stable label for a token (for "which token" columns), never the token itself. */
export function tokenLabel(index: number, token: string | undefined): string {
  return token ? `token-${index + 1}` : "anonymous";
}
