import type { Readable } from 'node:stream';

export class LineTooLongError extends Error {
  constructor(readonly limit: number) {
    super(`an NDJSON line is longer than ${limit} bytes`);
  }
}

export class InvalidUtf8LineError extends Error {
  constructor(readonly line: number) {
    super(`line ${line} is not valid UTF-8`);
  }
}

/** Refuses bytes that are not UTF-8 instead of turning them into U+FFFD (which would merge different names). */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Splits a byte stream into lines without ever holding more than one line (plus one chunk):
 * a line longer than `maxLineBytes` fails at once instead of being buffered; a line that is not
 * UTF-8 fails too (`InvalidUtf8LineError`, numbered from 1 counting blank lines).
 */
export async function* readLines(stream: Readable | AsyncIterable<Buffer>, maxLineBytes: number): AsyncGenerator<string> {
  let parts: Buffer[] = [];
  let size = 0;
  let count = 0;
  const decode = (bytes: Buffer): string => {
    count++;
    try {
      return strictUtf8.decode(bytes);
    } catch {
      throw new InvalidUtf8LineError(count);
    }
  };
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let start = 0;
    for (let nl = chunk.indexOf(0x0a, start); nl >= 0; nl = chunk.indexOf(0x0a, start)) {
      const piece = chunk.subarray(start, nl);
      if (size + piece.length > maxLineBytes) throw new LineTooLongError(maxLineBytes);
      parts.push(piece);
      const line = decode(Buffer.concat(parts));
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
  const last = decode(Buffer.concat(parts));
  if (last.trim()) yield last;
}
