import { createHmac, timingSafeEqual } from 'node:crypto';

/** base64(HMAC-SHA1(app secret, raw body + callback URL exactly as registered)). */
export function signTrelloBody(rawBody: Buffer | string, secret: string, callbackUrl: string): string {
  return createHmac('sha1', secret).update(rawBody).update(callbackUrl).digest('base64');
}

export function isValidTrelloSignature(
  rawBody: Buffer,
  header: string | undefined,
  secrets: readonly string[],
  callbackUrl: string,
): boolean {
  if (!header) return false;
  const received = Buffer.from(header, 'utf8');
  return secrets.some((secret) => {
    const expected = Buffer.from(signTrelloBody(rawBody, secret, callbackUrl), 'utf8');
    return expected.length === received.length && timingSafeEqual(expected, received);
  });
}
