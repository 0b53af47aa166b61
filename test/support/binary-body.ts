import type { Response } from 'supertest';

/** supertest parser (`.buffer(true).parse(binaryBody)`) that keeps a binary body as one Buffer. */
export const binaryBody = (res: Response, cb: (err: Error | null, body: Buffer) => void) => {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
};
