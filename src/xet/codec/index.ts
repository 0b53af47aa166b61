/**
 * Pure codec for the Xet storage protocol's data formats (no Nest, no I/O): content-defined
 * chunking, the keyed BLAKE3 hashes (chunk, xorb, file, verification), xorbs (with LZ4 / BG4),
 * MDB shards, and reconstruction planning. Spec: huggingface/hub-docs `docs/xet/`.
 */
export * from './errors';
export * from './hashing';
export * from './chunking';
export * from './lz4';
export * from './xorb';
export * from './shard';
export * from './reconstruction';
