import { isIP } from 'node:net';

/** HOST:PORT as a person types it, an IPv6 host in brackets. */
export function listenAddress(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Where this machine reaches the API: HOST itself, or loopback when HOST is a wildcard (every interface). */
export function localAddress(host: string, port: number): string {
  if (host === '0.0.0.0' || host === '') return listenAddress('127.0.0.1', port);
  return listenAddress(host === '::' ? '::1' : host, port);
}
