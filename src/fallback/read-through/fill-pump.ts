import type { Readable, Writable } from 'node:stream';
import { ContentVerifier, type ExpectedContent } from './content-verifier';

export interface FillPumpParts {
  upstream: Readable;
  expected: ExpectedContent;
  /** The cache copy: gets every byte. The upstream waits only when it falls its highWaterMark behind. */
  store: Writable;
  /** The client that asked, if any: it may go away at any time without stopping the fill. */
  client: Writable | null;
  /** A client that takes no more bytes for this long is cut off (its answer cut short): the fill goes on for the others. */
  clientStallMs: number;
  /**
   * How many bytes may wait in the client's queue before the upstream waits for it. Not the
   * client's own highWaterMark: an HTTP answer's is 16 KiB, below one upstream chunk (64 KiB),
   * so every write would pause and resume the upstream (16,384 pauses per GiB, measured).
   */
  clientQueueBytes: number;
  /** Runs once every byte verified and the store copy was ended, before the last chunk goes to the client (the cache publishes there). */
  onVerified: () => Promise<void>;
}

/**
 * Moves an upstream body to the cache copy and to the client, checking it on the way, with no
 * stream stage in between: every stage of a pipeline costs each chunk a hop and a callback (at
 * 64 KiB a chunk, 16,384 per GiB), and a Transform that waits for one sink before it feeds the
 * other puts the two in lockstep. Here each sink buffers on its own and the upstream pauses only
 * while the store is over its highWaterMark or the client over `clientQueueBytes`; a client that
 * leaves just stops being written to, and one that takes nothing for `clientStallMs` is cut off,
 * so that it cannot hold up the fill other downloads (on any node) wait for.
 *
 * The last chunk is held back from the client until the bytes verified and `onVerified` ran: a
 * client never receives a complete wrong file (a mismatch cuts its answer short). Resolves once
 * the fill is done; rejects (ContentMismatch, an upstream or store error) after destroying the
 * store copy and cutting the client's answer short.
 */
export function pumpFill(parts: FillPumpParts): Promise<void> {
  const { upstream, store, onVerified } = parts;
  const verifier = new ContentVerifier(parts.expected);
  return new Promise<void>((resolve, reject) => {
    // A client gone before the first byte (it left while the upstream was asked) is no client.
    let client = parts.client?.destroyed ? null : parts.client;
    let held: Buffer | null = null;
    let waitingForStore = false;
    let waitingForClient = false;
    let settled = false;
    const resume = () => {
      if (!waitingForStore && !waitingForClient && !settled) upstream.resume();
    };
    const storeDrained = () => {
      waitingForStore = false;
      resume();
    };
    let stall: NodeJS.Timeout | undefined;
    const clientDrained = () => {
      clearTimeout(stall);
      waitingForClient = false;
      resume();
    };
    const dropClient = () => {
      client?.off('drain', clientDrained);
      client = null;
      held = null;
      clientDrained();
    };
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(stall);
      upstream.destroy();
      store.destroy(err);
      if (client) {
        client.off('close', dropClient);
        client.destroy();
      }
      reject(err);
    };
    client?.once('close', dropClient);
    store.on('error', fail);
    upstream.on('error', fail);
    upstream.on('data', (chunk: Buffer) => {
      if (settled) return;
      try {
        verifier.update(chunk);
      } catch (err) {
        return fail(err as Error);
      }
      if (!store.write(chunk) && !waitingForStore) {
        waitingForStore = true;
        upstream.pause();
        store.once('drain', storeDrained);
      }
      if (!client) return;
      const previous = held;
      held = chunk;
      if (!previous) return;
      client.write(previous);
      if (client.writableLength > parts.clientQueueBytes && client.writableNeedDrain && !waitingForClient) {
        waitingForClient = true;
        upstream.pause();
        client.once('drain', clientDrained);
        const stalled = client;
        stall = setTimeout(() => {
          stalled.destroy();
          dropClient();
        }, parts.clientStallMs);
      }
    });
    upstream.once('end', () => {
      if (settled) return;
      try {
        verifier.finish();
      } catch (err) {
        return fail(err as Error);
      }
      store.end();
      onVerified().then(() => {
        if (settled) return;
        settled = true;
        if (client) {
          client.off('close', dropClient);
          if (held) client.end(held);
          else client.end();
        }
        resolve();
      }, fail);
    });
  });
}
