import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from '../errors.ts';

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
  // Trackers send plain bodies and sign those bytes; a compressed body is refused before it is read, so
  // nothing is ever inflated (no decompression bomb) and the signature never covers bytes we did not parse.
  app.addHook('onRequest', async (request) => {
    const encoding = request.headers['content-encoding'];
    if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity')
      throw new HttpError(415, `Content-Encoding ${encoding} is not accepted; send the body uncompressed`);
  });
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
