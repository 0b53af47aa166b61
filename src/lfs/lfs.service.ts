import { QuotaService } from '../quota/quota.service';
import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { finished, Transform, type Readable } from 'node:stream';
import type { EntityManager } from 'typeorm';
import type { Principal } from '../auth/principal';
import type { HangarConfig } from '../core/config/config';
import { InjectConfig } from '../core/config/config.module';
import { DomainError, ForbiddenError, NotFoundError } from '../core/errors/domain-error';
import { OBJECT_STORE, ObjectNotFoundError, type ObjectStore } from '../core/storage/object-store';
import { ContentLengthMismatchError } from '../core/storage/storage-errors';
import { UrlSigner } from '../core/storage/url-signer';
import { hashObject } from '../git/codec/hash';
import { RepoAccessService } from '../repos/access/repo-access.service';
import { RepoListingService } from '../repos/repo-listing.service';
import type { RepoRecord } from '../repos/repo.types';
import { XetFileReader } from '../xet/storage/xet-file-reader';
import { XetRepository } from '../xet/storage/xet.repository';
import { XetTokenService } from '../xet/tokens/xet-token.service';
import type { BatchObjectResultDto, BatchRequestDto, BatchResponseDto, CompleteMultipartDto } from './dto/batch.dto';
import { encodePointer } from './lfs-pointer';
import { LfsRepository, type LfsEntry, type LfsObjectRow, type LfsUploadRow } from './lfs.repository';

const OID = /^[0-9a-f]{64}$/;
const S3_MAX_PARTS = 10_000;

export const lfsObjectKey = (oid: string) => `lfs/${oid.slice(0, 2)}/${oid.slice(2, 4)}/${oid}`;
export const pointerBlobOid = (oid: string, size: number) => hashObject('blob', encodePointer({ oid, size }));

/**
 * Git LFS for Hangar: the batch API, uploads that become visible only once their bytes hash to
 * their oid, and the rules of who may link or read an object. One physical copy per sha256;
 * knowing a hash never grants its content.
 */
@Injectable()
export class LfsService {
  private readonly signer: UrlSigner;

  constructor(
    @InjectConfig() private readonly config: HangarConfig,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    private readonly lfs: LfsRepository,
    private readonly access: RepoAccessService,
    private readonly listing: RepoListingService,
    private readonly xet: XetRepository,
    private readonly xetReader: XetFileReader,
    private readonly xetTokens: XetTokenService,
    private readonly quota: QuotaService,
  ) {
    this.signer = new UrlSigner(config.secret!, 'hangar/lfs-href/v1');
  }

  /** `baseUrl`: the request's public base URL, under which every href of the answer is made. */
  async batch(principal: Principal | null, repo: RepoRecord, label: string, req: BatchRequestDto, baseUrl: string): Promise<BatchResponseDto> {
    // Uploading objects changes no ref: anyone who may open a pull request may (huggingface_hub 0.x
    // sends no create_pr here), as on the Hub; a commit or push that references them needs its own right.
    // Downloads are file contents: past the gate of a gated repository.
    await this.access.assert(principal, repo, req.operation === 'upload' ? 'contribute' : 'files', label);
    const multipart = req.operation === 'upload' && (req.transfers ?? []).includes('multipart');
    // @huggingface/hub offers `xet`: its uploads then go to the CAS with the token in the action headers.
    const xetAction = req.operation === 'upload' && (req.transfers ?? []).includes('xet') ? this.xetUploadAction(principal, repo, req.ref?.name, baseUrl) : null;
    const objects: BatchObjectResultDto[] = [];
    const valid = req.objects.filter((o) => OID.test(String(o.oid)) && Number.isSafeInteger(o.size) && o.size >= 0);
    const held = await this.lfs.heldBy(repo.id, valid.map((o) => o.oid));
    const readable = req.operation === 'upload' ? await this.lfs.readableBy(valid.map((o) => o.oid), await this.listing.visibleNamespaces(principal)) : new Set<string>();
    let usedMultipart = false;
    // The early quota check, object by object (git-lfs shows each object's error): what this
    // batch would add must fit; the commit or push that references the objects has the final word.
    const room = req.operation === 'upload' ? await this.quota.headroom(repo) : null;
    let remaining = room?.available ?? null;
    for (const o of req.objects) {
      if (!OID.test(String(o.oid)) || !Number.isSafeInteger(o.size) || o.size < 0) {
        objects.push({ oid: String(o.oid), size: Number(o.size), error: { code: 422, message: 'oid must be a sha256 in hex and size a non-negative integer' } });
        continue;
      }
      const existing = await this.lfs.findObject(o.oid);
      if (existing && existing.size !== o.size) {
        objects.push({ oid: o.oid, size: o.size, error: { code: 422, message: `size ${o.size} does not match the object (${existing.size})` } });
        continue;
      }
      if (req.operation === 'download') {
        if (await this.lfs.isPruned(repo.id, o.oid)) {
          objects.push({ oid: o.oid, size: o.size, error: { code: 410, message: PRUNED_MESSAGE } });
          continue;
        }
        if (!existing || !held.get(o.oid)?.committed) {
          objects.push({ oid: o.oid, size: o.size, error: { code: 404, message: 'Object does not exist' } });
          continue;
        }
        const href = existing.storageKey
          ? await this.store.signedUrl(existing.storageKey, 'GET', { expiresInSeconds: this.ttl, baseUrl })
          : this.xetDownloadHref(baseUrl, o.oid);
        objects.push({ oid: o.oid, size: o.size, authenticated: true, actions: { download: { href, expires_in: this.ttl } } });
        continue;
      }
      // Upload: the client skips objects without actions, so only those it may already read qualify.
      if (existing && (held.has(o.oid) || readable.has(o.oid))) {
        await this.lfs.transaction((m) => this.lfs.holdInRepo(m, repo.id, o.oid, pointerBlobOid(o.oid, o.size), false));
        objects.push({ oid: o.oid, size: o.size });
        continue;
      }
      if (room && remaining !== null) {
        if (o.size > remaining) {
          objects.push({ oid: o.oid, size: o.size, error: { code: 507, message: room.refusal(o.size).message } });
          continue;
        }
        remaining -= o.size;
      }
      if (xetAction) {
        objects.push({ oid: o.oid, size: o.size, authenticated: true, actions: { upload: xetAction } });
        continue;
      }
      // One part would be a basic upload with extra steps; 0 as threshold means "more than one part".
      const threshold = this.config.commits.lfsMultipartThresholdBytes || this.config.commits.lfsMultipartChunkBytes + 1;
      const useMultipart = multipart && o.size >= threshold;
      usedMultipart ||= useMultipart;
      objects.push({ oid: o.oid, size: o.size, authenticated: true, actions: await this.uploadActions(principal, repo, o.oid, o.size, useMultipart, baseUrl) });
    }
    return { transfer: xetAction ? 'xet' : usedMultipart ? 'multipart' : 'basic', objects, hash_algo: 'sha256' };
  }

  /** The `xet` transfer's upload action: a CAS write token in the headers, the token route as href (to refresh it). */
  private xetUploadAction(principal: Principal | null, repo: RepoRecord, ref: string | undefined, baseUrl: string) {
    const token = this.xetTokens.issue(principal, repo.id, 'write', baseUrl);
    const branch = (ref ?? repo.defaultBranch).replace(/^refs\/heads\//, '');
    return {
      href: this.xetTokens.tokenRoute(baseUrl, repo, 'write', encodeURIComponent(branch)),
      header: { 'X-Xet-Cas-Url': token.casUrl, 'X-Xet-Access-Token': token.accessToken, 'X-Xet-Token-Expiration': String(token.exp) },
      expires_in: token.exp - Math.floor(Date.now() / 1000),
    };
  }

  private async uploadActions(principal: Principal | null, repo: RepoRecord, oid: string, size: number, multipart: boolean, baseUrl: string) {
    const id = randomUUID();
    const stagingKey = `lfs/staging/${id}`;
    const expiresAt = new Date(Date.now() + this.ttl * 1000);
    let multipartId: string | null = null;
    let header: Record<string, string> | undefined;
    if (multipart) {
      multipartId = await this.store.createMultipartUpload(stagingKey);
      // Parts stay ≥ the configured size and ≤ 10,000 in number (S3's limits).
      const chunk = Math.max(this.config.commits.lfsMultipartChunkBytes, Math.ceil(size / S3_MAX_PARTS));
      header = { chunk_size: String(chunk) };
      for (let n = 1; n <= Math.ceil(size / chunk); n++) header[String(n)] = await this.store.signedPartUrl(stagingKey, multipartId, n, { expiresInSeconds: this.ttl, baseUrl });
    }
    await this.lfs.insertUpload({ id, repoId: repo.id, userId: principal?.user.id ?? null, oid, size, stagingKey, multipartId, expiresAt });
    const expires = Math.floor(expiresAt.getTime() / 1000);
    const upload = multipart
      ? { href: this.hangarHref(baseUrl, `/lfs/uploads/${id}/complete`, 'PUT', `lfs-upload:${id}`, expires), header, expires_in: this.ttl }
      : this.store.driver === 's3'
        ? { href: await this.store.signedUrl(stagingKey, 'PUT', { expiresInSeconds: this.ttl }), expires_in: this.ttl }
        : { href: this.hangarHref(baseUrl, `/lfs/uploads/${id}`, 'PUT', `lfs-upload:${id}`, expires), expires_in: this.ttl };
    return { upload, verify: { href: this.hangarHref(baseUrl, `/lfs/uploads/${id}/verify`, 'GET', `lfs-upload:${id}`, expires), expires_in: this.ttl } };
  }

  /** fs driver, basic transfer: the bytes stream through Hangar into the store with a running sha256. */
  async receiveUpload(id: string, expires: string, sig: string, body: Readable): Promise<void> {
    const upload = await this.usableUpload(id, 'PUT', expires, sig);
    if (upload.multipartId) throw new ForbiddenError('This upload takes parts, not a single PUT', 'InvalidSignature');
    const hash = createHash('sha256');
    const hashing = new Transform({
      transform(chunk: Buffer, _e, done) {
        hash.update(chunk);
        done(null, chunk);
      },
    });
    // `pipe` alone would leave the store waiting forever on a body its client cut (its temp file
    // kept, the request pending); the body is not destroyed in turn when the store fails, so that
    // failure can still be answered.
    let cut = false;
    const unwatch = finished(body, (err) => {
      if (!err) return;
      cut = true;
      hashing.destroy(err);
    });
    try {
      await this.store.put(upload.stagingKey, body.pipe(hashing), { contentLength: upload.size });
    } catch (err) {
      // A cut client may retry this URL (huggingface_hub does), and a store failure is ours, not
      // the upload's: both leave it pending. Only a body of the wrong length spends it.
      if (cut) throw new DomainError(400, 'UploadInterrupted', 'The upload was cut before its last byte');
      if (!(err instanceof ContentLengthMismatchError)) throw err;
      await this.fail(upload);
      throw new DomainError(400, 'SizeMismatch', `The upload is not ${upload.size} bytes long`);
    } finally {
      unwatch();
    }
    await this.finalize(upload, hash.digest('hex'));
  }

  /** HF multipart: the completion URL joins the parts, then the bytes are checked. */
  async completeMultipart(id: string, expires: string, sig: string, body: CompleteMultipartDto): Promise<void> {
    const upload = await this.usableUpload(id, 'PUT', expires, sig);
    if (!upload.multipartId) throw new ForbiddenError('This upload is not a multipart upload', 'InvalidSignature');
    if (body.oid !== upload.oid) throw new DomainError(422, 'OidMismatch', 'The completion names another object');
    const parts = [...body.parts].sort((a, b) => a.partNumber - b.partNumber);
    try {
      await this.store.completeMultipartUpload(upload.stagingKey, upload.multipartId, parts.map((p) => ({ partNumber: p.partNumber, etag: p.etag })));
    } catch (err) {
      // The store's own vocabulary names what the client got wrong (a part missing or not matching
      // its ETag, an unknown upload); anything else is a store failure, ours to answer and log.
      if (!(err instanceof DomainError) || err.status >= 500) throw err;
      throw new DomainError(400, 'InvalidParts', `Could not complete the upload: ${err.message.split('\n')[0].slice(0, 200)}`);
    }
    await this.finalize(upload);
  }

  /** The verify action: confirms the bytes landed (checking them now if nothing has yet). */
  async verify(id: string, expires: string, sig: string, body: { oid: string; size: number }): Promise<void> {
    if (!this.signer.verify({ method: 'GET', key: `lfs-upload:${id}`, expires: Number(expires) }, sig)) {
      throw new ForbiddenError('Invalid or expired signature', 'InvalidSignature');
    }
    const upload = await this.lfs.findUpload(id);
    if (!upload || upload.oid !== body.oid || upload.size !== body.size) throw new NotFoundError('No such upload', 'UploadNotFound');
    if (upload.state === 'verified') return;
    if (upload.state === 'failed') throw hashMismatch();
    await this.finalize(upload);
  }

  /**
   * The pointer blob for an `lfsFile` commit operation, after checking the caller may link the
   * object into this repository: it was uploaded here, or lives in a repository they may read.
   * Without a size (huggingface_hub's copies of LFS files), the object's own size is used.
   */
  async pointerForCommit(principal: Principal, repo: RepoRecord, oid: string, size: number | null): Promise<{ pointer: Buffer; size: number }> {
    let object = await this.lfs.findObject(oid);
    if (!object) {
      // S3 clients that skip the verify action: check the bytes now.
      const pending = await this.lfs.findPendingUpload(repo.id, oid);
      if (pending) {
        await this.finalize(pending);
        object = await this.lfs.findObject(oid);
      }
    }
    const held = object ? (await this.lfs.heldBy(repo.id, [oid])).has(oid) : false;
    const readable = object && !held ? (await this.lfs.readableBy([oid], await this.listing.visibleNamespaces(principal))).has(oid) : false;
    if (!object || (!held && !readable)) throw new DomainError(422, 'LfsObjectNotFound', `LFS object ${oid} was not uploaded to this repository`);
    if (size !== null && object.size !== size) throw new DomainError(422, 'LfsSizeMismatch', `LFS object ${oid} is ${object.size} bytes, not ${size}`);
    return { pointer: encodePointer({ oid, size: object.size }), size: object.size };
  }

  /**
   * Cross-repository copies (huggingface_hub 2.x `CommitOperationCopy` with `src_repo_id`): the
   * target repository comes to hold LFS objects that the source's commits reference, so a
   * following `lfsFile` commit in the target links them. The caller reads the source (the
   * route's guard) and must write the target.
   */
  /** What a duplicate repository takes over from its source, in the transaction that creates it. */
  async copyHolds(m: EntityManager, fromRepoId: number, toRepoId: number): Promise<void> {
    await this.lfs.copyHolds(m, fromRepoId, toRepoId);
    await this.xet.copyXorbHolds(m, fromRepoId, toRepoId);
  }

  async duplicate(source: RepoRecord, target: RepoRecord, sha256s: string[]): Promise<{ sha256: string; error: string }[]> {
    const held = await this.lfs.heldBy(source.id, sha256s);
    const failed: { sha256: string; error: string }[] = [];
    let copied = 0;
    await this.lfs.transaction(async (m) => {
      for (const oid of new Set(sha256s)) {
        const object = held.get(oid)?.committed ? await this.lfs.findObject(oid, m) : null;
        if (!object) {
          failed.push({ sha256: oid, error: 'not an LFS file of the source repository' });
          continue;
        }
        await this.lfs.holdInRepo(m, target.id, oid, pointerBlobOid(oid, object.size), false);
        copied += object.size;
      }
      // The early quota check: the copies must fit the target (its commit has the final word).
      await this.quota.assertFits(target, copied);
    });
    return failed;
  }

  /** In the commit transaction: the repository now references these objects. */
  async markCommitted(m: EntityManager, repoId: number, objects: { oid: string; size: number }[]): Promise<void> {
    for (const o of objects) await this.lfs.holdInRepo(m, repoId, o.oid, pointerBlobOid(o.oid, o.size), true);
  }

  /**
   * A file uploaded through Xet (its sha256 given by the shard and checked by reassembly) becomes
   * an LFS object held by the repository, so `lfsFile` commits, trees and git-lfs work as usual.
   */
  async recordXetUpload(m: EntityManager, repoId: number, file: { sha256: string; size: number; xetHash: string }): Promise<void> {
    if (!(await this.lfs.insertXetObject(m, { oid: file.sha256, size: file.size, xetHash: file.xetHash }))) {
      throw new DomainError(400, 'LfsSizeMismatch', `LFS object ${file.sha256} exists with another size than ${file.size}`);
    }
    await this.lfs.holdInRepo(m, repoId, file.sha256, pointerBlobOid(file.sha256, file.size), false);
  }

  /** LFS objects behind the given blob ids of a repository (tree listings, resolve); pruned versions are flagged. */
  lfsByBlob(repoId: number, blobOids: string[]): Promise<Map<string, LfsEntry>> {
    return this.lfs.lfsEntriesByPointers(repoId, blobOids);
  }

  /**
   * Whether a CAS token for `repoId` may reconstruct the Xet file `xetHash`: the repository's
   * commits reference it; a write token also sees what was uploaded for a commit to come.
   */
  xetFileVisible(repoId: number, xetHash: string, op: 'read' | 'write'): Promise<boolean> {
    return this.lfs.holdsXetFile(repoId, xetHash, op === 'write');
  }

  /**
   * Where the bytes of a committed object are: a presigned URL (S3), or streamed by Hangar (the
   * fs store, and files stored only as Xet xorbs, which Hangar reassembles).
   */
  async download(oid: string, filename: string): Promise<{ redirect: string } | { stream: true }> {
    const object = await this.lfs.findObject(oid);
    if (!object) throw new NotFoundError('The LFS object of this file is missing', 'EntryNotFound');
    if (this.store.driver === 's3' && object.storageKey) {
      return { redirect: await this.store.signedUrl(object.storageKey, 'GET', { filename, expiresInSeconds: this.ttl }) };
    }
    return { stream: true };
  }

  /** Streams an object, or the inclusive range of it: stored whole, or reassembled from Xet xorbs. */
  async open(oid: string, range?: { start: number; end: number }): Promise<Readable> {
    const object = await this.lfs.findObject(oid);
    if (!object) throw new NotFoundError('The LFS object of this file is missing', 'EntryNotFound');
    return this.openObject(object, range);
  }

  /** {@link open} for an object row already read. */
  async openObject(object: LfsObjectRow, range?: { start: number; end: number }): Promise<Readable> {
    if (object.storageKey) return (await this.store.get(object.storageKey, range)).body;
    const file = object.xetHash ? await this.xet.findFile(object.xetHash) : null;
    if (!file) throw new NotFoundError('The Xet reconstruction of this file is missing', 'EntryNotFound');
    return this.xetReader.open(file.terms, range && { start: range.start, end: range.end + 1 });
  }

  /** The git-lfs download of an object stored only as Xet: a signed Hangar URL that reassembles it. */
  private xetDownloadHref(baseUrl: string, oid: string): string {
    return this.hangarHref(baseUrl, `/lfs/objects/${oid}`, 'GET', `lfs-download:${oid}`, Math.floor(Date.now() / 1000) + this.ttl);
  }

  /** Checks a download href made by {@link xetDownloadHref}; the object it grants. */
  async signedObject(oid: string, expires: string, sig: string): Promise<LfsObjectRow> {
    this.checkSignature('GET', `lfs-download:${oid}`, expires, sig);
    const object = await this.lfs.findObject(oid);
    if (!object) throw new NotFoundError('No such object', 'EntryNotFound');
    return object;
  }

  private get ttl(): number {
    return this.config.storage.signedUrlTtlSeconds;
  }

  /** A Hangar URL that authenticates by its signature over (method, key, expires): not the host, so any name of Hangar works. */
  private hangarHref(baseUrl: string, path: string, method: 'GET' | 'PUT', key: string, expires: number): string {
    const sig = this.signer.sign({ method, key, expires });
    return `${baseUrl}${path}?expires=${expires}&sig=${sig}`;
  }

  /** Refuses (403) a request whose `expires`/`sig` were not made by {@link hangarHref} for (method, key), or have expired. */
  private checkSignature(method: 'GET' | 'PUT', key: string, expires: string, sig: string): void {
    if (!/^\d{1,12}$/.test(expires) || !this.signer.verify({ method, key, expires: Number(expires) }, sig)) {
      throw new ForbiddenError('Invalid or expired signature', 'InvalidSignature');
    }
  }

  private async usableUpload(id: string, method: 'PUT', expires: string, sig: string): Promise<LfsUploadRow> {
    this.checkSignature(method, `lfs-upload:${id}`, expires, sig);
    const upload = await this.lfs.findUpload(id);
    // A finished upload's URL is spent: it can neither replace nor re-check the bytes.
    if (!upload || upload.state !== 'pending') throw new ForbiddenError('This upload URL has already been used', 'InvalidSignature');
    return upload;
  }

  /** Hashes the staged bytes (unless known), then records the object once, or discards the bytes. */
  private async finalize(upload: LfsUploadRow, knownSha256?: string): Promise<void> {
    let sha = knownSha256;
    let size = upload.size;
    if (!sha) {
      const hash = createHash('sha256');
      let counted = 0;
      try {
        for await (const chunk of (await this.store.get(upload.stagingKey)).body) {
          hash.update(chunk as Buffer);
          counted += (chunk as Buffer).length;
        }
      } catch (err) {
        // Only a missing object means the client has not sent it; a failing store is ours (500).
        if (err instanceof ObjectNotFoundError) throw new DomainError(422, 'UploadMissing', 'The upload has not arrived yet');
        throw err;
      }
      sha = hash.digest('hex');
      size = counted;
    }
    if (sha !== upload.oid || size !== upload.size) {
      await this.fail(upload);
      throw hashMismatch();
    }
    const finalKey = lfsObjectKey(upload.oid);
    if (!(await this.lfs.findObject(upload.oid))) await this.store.copy(upload.stagingKey, finalKey);
    await this.lfs.transaction(async (m) => {
      await this.lfs.insertObject(m, { oid: upload.oid, size: upload.size, storageKey: finalKey });
      await this.lfs.holdInRepo(m, upload.repoId, upload.oid, pointerBlobOid(upload.oid, upload.size), false);
      await this.lfs.setUploadState(m, upload.id, 'verified');
    });
    await this.store.delete(upload.stagingKey);
  }

  private async fail(upload: LfsUploadRow): Promise<void> {
    await this.lfs.transaction((m) => this.lfs.setUploadState(m, upload.id, 'failed'));
    await this.store.delete(upload.stagingKey).catch(() => undefined);
  }
}

export const PRUNED_MESSAGE = 'This version of the file was pruned: the repository keeps only its newest LFS versions (keep_versions)';

function hashMismatch(): DomainError {
  return new DomainError(422, 'HashMismatch', 'The uploaded bytes do not hash to the object id; they were discarded');
}
