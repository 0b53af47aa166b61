#!/usr/bin/env node
// Helper for bench/lfs-transfer.sh. Each subcommand does one small job; the shell script drives them.
//
//   free-ports N                          print N distinct free TCP ports on 127.0.0.1, one a line
//   json-get PATH                         read JSON on stdin, print the value at PATH (dots, array
//                                         indices as numbers: objects.0.actions.upload.href); fails
//                                         when it is absent
//   s3-create-bucket ENDPOINT BUCKET      create BUCKET on ENDPOINT (moto; credentials testing/testing)
//   s3-presign ENDPOINT BUCKET KEY GET|PUT
//                                         print a presigned URL for KEY (1 h), as Hangar's S3 driver makes them
//   s3-copy ENDPOINT BUCKET SRC DST       server-side CopyObject of SRC to DST (what Hangar's verify does)
//   s3-delete ENDPOINT BUCKET KEY         delete KEY
//   s3-version                            print the version of @aws-sdk/client-s3 in node_modules
import { createServer as createNetServer } from 'node:net';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const [cmd, ...args] = process.argv.slice(2);

function die(message) {
  process.stderr.write(`lfs-transfer.mjs: ${message}\n`);
  process.exit(2);
}

async function freePorts(n) {
  // Hold every socket open until all are chosen, so no port is handed out twice.
  const servers = [];
  const ports = [];
  for (let i = 0; i < n; i++) {
    const s = createNetServer();
    s.listen(0, '127.0.0.1');
    await once(s, 'listening');
    servers.push(s);
    ports.push(s.address().port);
  }
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  process.stdout.write(ports.join('\n') + '\n');
}

function jsonGet(path) {
  const text = readFileSync(0, 'utf8');
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    die(`json-get: not JSON: ${text.slice(0, 300)}`);
  }
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object' || !(part in value)) die(`json-get: no ${path} in ${text.slice(0, 500)}`);
    value = value[part];
  }
  process.stdout.write((typeof value === 'string' ? value : JSON.stringify(value)) + '\n');
}

function s3(endpoint) {
  const { S3Client } = require('@aws-sdk/client-s3');
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    // As Hangar does: no default CRC32 checksums baked into presigned URLs.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

async function main() {
  switch (cmd) {
    case 'free-ports':
      return freePorts(Number(args[0] ?? 1));
    case 'json-get':
      if (!args[0]) die('json-get PATH');
      return jsonGet(args[0]);
    case 's3-create-bucket': {
      const [endpoint, bucket] = args;
      const { CreateBucketCommand } = require('@aws-sdk/client-s3');
      await s3(endpoint).send(new CreateBucketCommand({ Bucket: bucket }));
      return;
    }
    case 's3-presign': {
      const [endpoint, bucket, key, method] = args;
      const { GetObjectCommand, PutObjectCommand } = require('@aws-sdk/client-s3');
      const { getSignedUrl } = require('@aws-sdk/s3-request-presigner');
      if (method !== 'GET' && method !== 'PUT') die('s3-presign: method must be GET or PUT');
      const command = method === 'GET' ? new GetObjectCommand({ Bucket: bucket, Key: key }) : new PutObjectCommand({ Bucket: bucket, Key: key });
      process.stdout.write((await getSignedUrl(s3(endpoint), command, { expiresIn: 3600 })) + '\n');
      return;
    }
    case 's3-copy': {
      const [endpoint, bucket, src, dst] = args;
      const { CopyObjectCommand } = require('@aws-sdk/client-s3');
      await s3(endpoint).send(new CopyObjectCommand({ Bucket: bucket, Key: dst, CopySource: `${bucket}/${src}` }));
      return;
    }
    case 's3-delete': {
      const [endpoint, bucket, key] = args;
      const { DeleteObjectCommand } = require('@aws-sdk/client-s3');
      await s3(endpoint).send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      return;
    }
    case 's3-version':
      process.stdout.write(require('@aws-sdk/client-s3/package.json').version + '\n');
      return;
    default:
      die(`unknown subcommand '${cmd ?? ''}'`);
  }
}

main().catch((err) => die(`${cmd}: ${err?.stack ?? err}`));
