import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { MAX_XORB_BYTES, XetFormatError, type XetFormatErrorCode } from '../codec';
import type { XorbVerifyReply, XorbVerifyRequest } from './xorb-verify.protocol';

/** What an uploaded xorb turned out to hold, once verified against its claimed hash. */
export interface VerifiedXorb {
  /** The serialized xorb (the same memory that was handed in, back from the worker). */
  bytes: Uint8Array;
  chunkHashes: Buffer;
  chunkSizes: number[];
  chunkEnds: number[];
  unpackedLength: number;
}

const POOL_SIZE = 2;

interface Job {
  req: XorbVerifyRequest;
  resolve: (v: VerifiedXorb) => void;
  reject: (e: Error) => void;
}

/**
 * A small pool of worker threads that parse and hash uploaded xorbs. Decompressing and
 * BLAKE3-hashing 64 MiB takes ~100 ms of CPU; on the event loop it would stall every other
 * request for that long, per upload. Two workers bound the CPU xorb checks take; further
 * uploads queue.
 */
@Injectable()
export class XorbVerifier implements OnModuleDestroy {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Job>();
  private readonly queue: Job[] = [];
  private spawned = 0;
  private nextId = 1;
  private closed = false;

  /**
   * Verifies `bytes` (which must own its whole ArrayBuffer: it is transferred to the worker)
   * as the xorb `expectedHash`. Rejects with XetFormatError when it is not.
   */
  verify(bytes: Uint8Array, expectedHash: string, maxBytes = MAX_XORB_BYTES): Promise<VerifiedXorb> {
    if (bytes.byteOffset !== 0 || bytes.byteLength !== bytes.buffer.byteLength) throw new Error('XorbVerifier.verify needs a buffer that owns its ArrayBuffer');
    return new Promise((resolve, reject) => {
      this.queue.push({ req: { id: this.nextId++, bytes: bytes.buffer as ArrayBuffer, expectedHash, maxBytes }, resolve, reject });
      this.pump();
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('xorb verifier is shutting down'));
    await Promise.all([...this.idle.splice(0), ...this.busy.keys()].map((w) => w.terminate()));
  }

  private pump(): void {
    while (this.queue.length && !this.closed) {
      const worker = this.idle.pop() ?? (this.spawned < POOL_SIZE ? this.spawn() : null);
      if (!worker) return;
      const job = this.queue.shift()!;
      this.busy.set(worker, job);
      worker.postMessage(job.req, [job.req.bytes]);
    }
  }

  private spawn(): Worker {
    const worker = startWorker();
    this.spawned++;
    worker.on('message', (reply: XorbVerifyReply) => {
      const job = this.busy.get(worker);
      this.busy.delete(worker);
      if (!this.closed) this.idle.push(worker);
      if (job) settle(job, reply);
      this.pump();
    });
    // A crashed worker fails its job only; the next upload gets a fresh one.
    worker.on('error', (err) => this.retire(worker, err));
    worker.on('exit', (code) => this.retire(worker, new Error(`xorb verifier worker exited with code ${code}`)));
    return worker;
  }

  private retire(worker: Worker, err: Error): void {
    const job = this.busy.get(worker);
    const wasKnown = this.busy.delete(worker) || removeFrom(this.idle, worker);
    if (!wasKnown) return;
    this.spawned--;
    job?.reject(err);
    this.pump();
  }
}

function settle(job: Job, reply: XorbVerifyReply): void {
  if (!reply.ok) {
    const err = reply.code === 'internal' ? new Error(reply.message) : new XetFormatError(reply.code as XetFormatErrorCode, reply.message);
    job.reject(err);
    return;
  }
  job.resolve({
    bytes: new Uint8Array(reply.bytes),
    chunkHashes: Buffer.from(reply.chunkHashes),
    chunkSizes: reply.chunkSizes,
    chunkEnds: reply.chunkEnds,
    unpackedLength: reply.unpackedLength,
  });
}

function removeFrom<T>(list: T[], item: T): boolean {
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
  return i >= 0;
}

/**
 * The compiled worker next to this file (dist/); when running from TypeScript sources (jest,
 * ts-node) there is only the .ts file, which the worker loads through ts-node.
 */
function startWorker(): Worker {
  const js = path.join(__dirname, 'xorb-verify.worker.js');
  if (existsSync(js)) return new Worker(js);
  const ts = path.join(__dirname, 'xorb-verify.worker.ts');
  return new Worker(`require('ts-node').register({ transpileOnly: true }); require(${JSON.stringify(ts)});`, { eval: true });
}
