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
