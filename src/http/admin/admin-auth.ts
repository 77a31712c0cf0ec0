import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Compares digests, so neither the length nor any prefix of the token leaks through timing. Anything but a
 * well-formed `Bearer <token>` header is simply not the token.
 */
export function createTokenCheck(token: string): (request: FastifyRequest) => 'ok' | 'missing' | 'invalid' {
  const expected = digest(token);
  return (request) => {
    const header = request.headers.authorization;
    if (!header) return 'missing';
    const match = /^Bearer ([^\s]+)$/i.exec(header);
    if (!match?.[1]) return 'invalid';
    return timingSafeEqual(digest(match[1]), expected) ? 'ok' : 'invalid';
  };
}
