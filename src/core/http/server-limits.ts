import { maxHeaderSize, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { HangarConfig } from '../config/config';

/**
 * Timeouts and over-limit answers of the HTTP server. Uploads and downloads of large files run
 * for hours, so nothing caps a request that keeps moving: the socket idle timeout ends peers
 * that stop sending or reading, and the whole-request timeout (time to receive a request, not
 * to answer it) is a generous backstop against a slow drip.
 */
export function applyServerLimits(server: Server, http: HangarConfig['http']): void {
  // Clients (undici, requests) keep connections open between calls; Node's 5 s default closes
  // them under their feet, which shows up client-side as ECONNRESET on the next request.
  server.keepAliveTimeout = 65_000;
  // Longer than keepAliveTimeout, as Node requires, so an idle kept-alive socket is never cut
  // while a new request's head is on its way; a head that takes longer is a slowloris.
  // (Node requires it to be at most requestTimeout when that is set.)
  server.requestTimeout = http.requestTimeoutSeconds * 1000;
  server.headersTimeout = server.requestTimeout ? Math.min(66_000, server.requestTimeout) : 66_000;
  server.timeout = http.idleTimeoutSeconds * 1000;
  server.on('clientError', (err: ParserError, socket: AnswerableSocket) => answerClientError(err, socket, maxHeaderSize));
}

const ANSWERED = Symbol('hangar.clientErrorAnswered');

/**
 * A request Node's parser refuses never reaches Express. Node's default answer is a bare status
 * and an immediate destroy, which resets the connection while the client is still sending (it
 * then sees ECONNRESET, not the status). Here the answer carries the HF error headers, the
 * socket is half-closed and the rest of the request is read and dropped until the client hangs
 * up (or the idle timeout ends it).
 */
type ParserError = NodeJS.ErrnoException & { rawPacket?: Buffer };
type AnswerableSocket = Socket & { [ANSWERED]?: boolean };

function answerClientError(err: ParserError, socket: AnswerableSocket, headLimit: number): void {
  if (socket[ANSWERED] || socket.destroyed) return; // the parser reports every later chunk too
  socket[ANSWERED] = true;
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, code, message] = describe(err, headLimit);
  const body = JSON.stringify({ error: message });
  socket.end(
    `HTTP/1.1 ${status} ${code}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `X-Error-Code: ${code}\r\nX-Error-Message: ${message}\r\nConnection: close\r\n\r\n${body}`,
  );
  socket.on('error', () => socket.destroy());
  socket.resume();
}

function describe(err: ParserError, headLimit: number): [number, string, string] {
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    // The chunk that overflowed starts with the request: when its request line alone is over
    // the limit (or does not even end in it), the URL is what is too long.
    const packet = err.rawPacket;
    const lineEnd = packet ? packet.indexOf('\r\n') : -1;
    if (packet && (lineEnd === -1 || lineEnd >= headLimit)) return [414, 'UriTooLong', 'The request URL is too long'];
    return [431, 'RequestHeaderFieldsTooLarge', 'The request headers are too large'];
  }
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return [408, 'RequestTimeout', 'The request took too long to arrive'];
  return [400, 'BadRequest', 'Malformed HTTP request'];
}
