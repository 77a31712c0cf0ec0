import type { FastifyInstance, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: Buffer;
  }
}

/**
 * Keeps the body as raw bytes: signatures are computed over them, and parsing happens only after the check
 * (with secure-json-parse, since this parser bypasses Fastify's own __proto__ protection). Registered inside the
 * webhook routes' encapsulated context only, so the admin API keeps Fastify's safe JSON parser.
 */
export function useRawJsonBody(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer' },
    (request: FastifyRequest, body: Buffer, done: (error: Error | null, body?: unknown) => void) => {
      request.rawBody = body;
      done(null, body);
    },
  );
}
