import type { Readable } from 'node:stream';

export class LineTooLongError extends Error {
  constructor(readonly limit: number) {
    super(`an NDJSON line is longer than ${limit} bytes`);
  }
}

/**
 * Splits a byte stream into lines without ever holding more than one line (plus one chunk):
 * a line longer than `maxLineBytes` fails at once instead of being buffered.
 */
export async function* readLines(stream: Readable | AsyncIterable<Buffer>, maxLineBytes: number): AsyncGenerator<string> {
  let parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let start = 0;
    for (let nl = chunk.indexOf(0x0a, start); nl >= 0; nl = chunk.indexOf(0x0a, start)) {
      const piece = chunk.subarray(start, nl);
      if (size + piece.length > maxLineBytes) throw new LineTooLongError(maxLineBytes);
      parts.push(piece);
      const line = Buffer.concat(parts).toString('utf8');
      parts = [];
      size = 0;
      start = nl + 1;
      if (line.trim()) yield line;
    }
    const rest = chunk.subarray(start);
    if (size + rest.length > maxLineBytes) throw new LineTooLongError(maxLineBytes);
    if (rest.length) {
      parts.push(rest);
      size += rest.length;
    }
  }
  const last = Buffer.concat(parts).toString('utf8');
  if (last.trim()) yield last;
}
