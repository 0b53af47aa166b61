import { stringify } from 'yaml';
import type { RepoType } from './repo.types';

/** The public hub's default LFS patterns, written into every new repository's `.gitattributes`. */
const COMMON_LFS_PATTERNS = [
  '*.7z', '*.arrow', '*.bin', '*.bz2', '*.ckpt', '*.ftz', '*.gz', '*.h5', '*.joblib', '*.lfs.*', '*.mlmodel', '*.model',
  '*.msgpack', '*.npy', '*.npz', '*.onnx', '*.ot', '*.parquet', '*.pb', '*.pickle', '*.pkl', '*.pt', '*.pth', '*.rar',
  '*.safetensors', 'saved_model/**/*', '*.tar.*', '*.tar', '*.tflite', '*.tgz', '*.wasm', '*.xz', '*.zip', '*.zst', '*tfevents*',
];

/** Datasets also keep media and columnar formats in LFS. */
const DATASET_LFS_PATTERNS = [
  '*.lz4', '*.mds', '*.mp3', '*.ogg', '*.wav', '*.bmp', '*.gif', '*.png', '*.tiff', '*.jpg', '*.jpeg', '*.webp', '*.mp4', '*.webm',
];

export function lfsPatterns(type: RepoType): string[] {
  return type === 'dataset' ? [...COMMON_LFS_PATTERNS, ...DATASET_LFS_PATTERNS] : COMMON_LFS_PATTERNS;
}

export function defaultGitattributes(type: RepoType): Buffer {
  return Buffer.from(lfsPatterns(type).map((p) => `${p} filter=lfs diff=lfs merge=lfs -text\n`).join(''), 'utf8');
}

/**
 * The README.md the Hub writes into a new repository's first commit: a space's front matter
 * names its SDK (what runs it); a license given at creation goes into the front matter too.
 * Null when there is nothing to say (a model or dataset created without a license).
 */
export function defaultReadme(type: RepoType, name: string, meta: { license?: string | null; sdk?: string | null }): Buffer | null {
  const front: Record<string, unknown> = {};
  if (type === 'space') Object.assign(front, { title: name, sdk: meta.sdk ?? 'static', pinned: false });
  if (meta.license) front.license = meta.license;
  if (!Object.keys(front).length) return null;
  return Buffer.from(`---\n${stringify(front)}---\n`, 'utf8');
}
