import { createHmac, getHashes, timingSafeEqual } from 'node:crypto';

/** `X-Hub-Signature: method=hex` (WebSub): Jira may change the method, so it is parsed, not assumed. */
const SIGNATURE_FORMAT = /^([a-z0-9-]+)=([0-9a-f]+)$/;
const SUPPORTED_METHODS = new Set(
  ['sha256', 'sha384', 'sha512', 'sha1'].filter((m) => getHashes().includes(m)),
);

export function signJiraBody(rawBody: Buffer | string, secret: string, method = 'sha256'): string {
  return `${method}=${createHmac(method, secret).update(rawBody).digest('hex')}`;
}

/** Timing-safe check of Jira's signature against any of the configured secrets (rotation keeps two). */
export function isValidJiraSignature(
  rawBody: Buffer,
  header: string | undefined,
  secrets: readonly string[],
): boolean {
  const match = header ? SIGNATURE_FORMAT.exec(header) : null;
  if (!match) return false;
  const [, method, hex] = match as unknown as [string, string, string];
  if (!SUPPORTED_METHODS.has(method)) return false;
  const received = Buffer.from(hex, 'hex');
  return secrets.some((secret) => {
    const expected = createHmac(method, secret).update(rawBody).digest();
    return expected.length === received.length && timingSafeEqual(expected, received);
  });
}
