#!/usr/bin/env node
// Helper for bench/repo-api.sh. Each subcommand does one small job; the shell script drives them.
//
//   free-ports N                     print N distinct free TCP ports on 127.0.0.1, one a line
//   make-files DIR N BYTES           write DIR/f/0001.txt … (N files of BYTES bytes of distinct text)
//   ndjson-folder DIR OUT            write an NDJSON commit body (header + one "file" line per file under DIR)
//   ndjson-file SRC REPO_PATH OUT    write an NDJSON commit body holding SRC as REPO_PATH (one line)
//   head-server PORT HEADERS_JSON    a bare node:http server on 127.0.0.1:PORT answering HEAD (any path)
//                                    with the headers in HEADERS_JSON; prints "listening" when ready
//   nest-head-server PORT HEADERS_JSON  the same answer from a bare NestJS 11 app on Express 5 (one
//                                    controller, no middleware, guard, pipe or logger): the framework's
//                                    own floor, to tell it apart from what Hangar adds
//   nest-head-server PORT HEADERS_JSON DATABASE_URL
//                                    the same bare app, answering only after one named, prepared
//                                    PostgreSQL statement per request (a repository row with its
//                                    namespace and default-branch ref, looked up by the first two
//                                    path segments, /NAMESPACE/NAME/…): what one round trip costs on top
//   median N…                        print the median of the numbers
//   json-get KEY                     read JSON on stdin, print its top-level KEY (fails when absent)
//   pick-headers FILE NAME…          read a raw HTTP response head (curl -D) from FILE and print a JSON
//                                    object of the named headers, in the given spelling (fails when one
//                                    is missing or the status is not 200)
//   wrk-summary FILE                 read the JSON line the wrk lua script printed; print
//                                    "req_per_s mib_per_s requests errors" (tab separated)
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { createWriteStream, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { once } from 'node:events';

const [cmd, ...args] = process.argv.slice(2);

function die(message) {
  process.stderr.write(`repo-api.mjs: ${message}\n`);
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

function makeFiles(dir, n, bytes) {
  mkdirSync(join(dir, 'f'), { recursive: true });
  const width = Math.max(4, String(n).length);
  // Deterministic, distinct text per file (an LCG), so no two blobs are the same.
  let x = 0x9e3779b9;
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789 ';
  for (let i = 1; i <= n; i++) {
    const name = String(i).padStart(width, '0');
    let body = `file ${name}\n`;
    while (body.length < bytes - 1) {
      x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
      body += alphabet[x % alphabet.length];
    }
    writeFileSync(join(dir, 'f', `${name}.txt`), body + '\n');
  }
}

function walk(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(p));
    else if (entry.isFile()) out.push(p);
  }
  return out.sort();
}

async function writeLines(out, lines) {
  const ws = createWriteStream(out);
  for (const line of lines) {
    if (!ws.write(JSON.stringify(line) + '\n')) await once(ws, 'drain');
  }
  ws.end();
  await once(ws, 'finish');
}

async function ndjsonFolder(dir, out) {
  const files = walk(dir);
  if (files.length === 0) die(`no files under ${dir}`);
  const lines = [{ key: 'header', value: { summary: 'bench' } }];
  for (const f of files) {
    lines.push({ key: 'file', value: { path: relative(dir, f).split(sep).join('/'), content: readFileSync(f).toString('base64'), encoding: 'base64' } });
  }
  await writeLines(out, lines);
}

async function ndjsonFile(src, repoPath, out) {
  await writeLines(out, [
    { key: 'header', value: { summary: `bench: ${repoPath}` } },
    { key: 'file', value: { path: repoPath, content: readFileSync(src).toString('base64'), encoding: 'base64' } },
  ]);
}

function headServer(port, headersJson) {
  const headers = JSON.parse(headersJson);
  const server = createServer((req, res) => {
    if (req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'HEAD', 'Content-Length': '0' });
      res.end();
      return;
    }
    res.writeHead(200, headers);
    res.end();
  });
  server.keepAliveTimeout = 65_000;
  server.listen(Number(port), '127.0.0.1', () => process.stdout.write('listening\n'));
  const stop = () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 1000).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/**
 * One controller answering HEAD on any path, decorated by hand (this file is plain JavaScript).
 * With a database URL it first runs one statement of the shape and width of Hangar's hot lookup
 * (about twenty columns, a join and a ref), named so it is prepared once per connection.
 */
async function nestHeadServer(port, headersJson, databaseUrl) {
  await import('reflect-metadata');
  const { Controller, Head, Module, Req, Res } = await import('@nestjs/common');
  const { NestFactory } = await import('@nestjs/core');
  const headers = JSON.parse(headersJson);
  const pool = databaseUrl ? new (await import('pg')).default.Pool({ connectionString: databaseUrl, max: 10 }) : null;
  const lookup = {
    name: 'bench_repo_with_ref',
    text: `SELECT r.*, n.name AS namespace, n.kind AS namespace_kind, g.name AS ref_name, g.oid AS ref_oid
             FROM repositories r JOIN namespaces n ON n.id = r.namespace_id
             LEFT JOIN git_refs g ON g.repo_id = r.id AND g.name = 'refs/heads/' || r.default_branch
            WHERE lower(n.name) = lower($1) AND lower(r.name) = lower($2)`,
  };
  class HeadController {
    async answer(req, res) {
      if (pool) {
        const [namespace, name] = req.path.split('/').slice(1, 3);
        const { rows } = await pool.query({ ...lookup, values: [namespace, name] });
        if (rows.length !== 1) {
          res.writeHead(404).end();
          return;
        }
      }
      res.writeHead(200, headers);
      res.end();
    }
  }
  Reflect.decorate([Head('{*path}')], HeadController.prototype, 'answer', Object.getOwnPropertyDescriptor(HeadController.prototype, 'answer'));
  Req()(HeadController.prototype, 'answer', 0);
  Res()(HeadController.prototype, 'answer', 1);
  const controller = Reflect.decorate([Controller()], HeadController);
  class BareModule {}
  const module = Reflect.decorate([Module({ controllers: [controller] })], BareModule);
  const app = await NestFactory.create(module, { logger: false });
  const express = app.getHttpAdapter().getInstance();
  express.disable('x-powered-by');
  express.set('etag', false);
  app.getHttpServer().keepAliveTimeout = 65_000;
  await app.listen(Number(port), '127.0.0.1');
  process.stdout.write('listening\n');
  const stop = () => {
    app.getHttpServer().closeAllConnections();
    void app.close().then(() => pool?.end()).then(() => process.exit(0));
    setTimeout(() => process.exit(0), 1000).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

function median(values) {
  const xs = values.map(Number).filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) die('median: no numbers');
  const mid = Math.floor(xs.length / 2);
  return xs.length % 2 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
}

function wrkSummary(file) {
  const line = readFileSync(file, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('BENCH_JSON '));
  if (!line) die(`no BENCH_JSON line in ${file} (did wrk run the bench lua script?)`);
  const s = JSON.parse(line.slice('BENCH_JSON '.length));
  const seconds = s.duration_us / 1e6;
  const errors = s.connect + s.read + s.write + s.status + s.timeout;
  process.stdout.write([(s.requests / seconds).toFixed(1), (s.bytes / seconds / 1048576).toFixed(1), s.requests, errors].join('\t') + '\n');
}

async function jsonGet(key) {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  let value;
  try {
    value = JSON.parse(text)[key];
  } catch {
    die(`json-get: not JSON: ${text.slice(0, 300)}`);
  }
  if (value === undefined || value === null) die(`json-get: no "${key}" in ${text.slice(0, 300)}`);
  process.stdout.write((typeof value === 'string' ? value : JSON.stringify(value)) + '\n');
}

function pickHeaders(file, names) {
  const lines = readFileSync(file, 'latin1').split(/\r?\n/);
  // curl -D may hold several heads (e.g. after a 100 Continue); use the last one.
  let start = 0;
  lines.forEach((l, i) => {
    if (/^HTTP\/\S+ \d{3}/.test(l)) start = i;
  });
  const status = Number(lines[start].split(' ')[1]);
  if (status !== 200) die(`pick-headers: status ${status} in ${file}, expected 200`);
  const found = {};
  for (const l of lines.slice(start + 1)) {
    const colon = l.indexOf(':');
    if (colon > 0) found[l.slice(0, colon).trim().toLowerCase()] = l.slice(colon + 1).trim();
  }
  const out = {};
  for (const name of names) {
    const value = found[name.toLowerCase()];
    if (value === undefined) die(`pick-headers: no ${name} header in ${file}`);
    out[name] = value;
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}

switch (cmd) {
  case 'free-ports':
    await freePorts(Number(args[0] ?? 1));
    break;
  case 'make-files':
    makeFiles(args[0], Number(args[1]), Number(args[2]));
    break;
  case 'ndjson-folder':
    await ndjsonFolder(args[0], args[1]);
    break;
  case 'ndjson-file':
    if (statSync(args[0]).size === 0) die(`${args[0]} is empty`);
    await ndjsonFile(args[0], args[1], args[2]);
    break;
  case 'head-server':
    headServer(args[0], args[1]);
    break;
  case 'nest-head-server':
    await nestHeadServer(args[0], args[1], args[2]);
    break;
  case 'median':
    process.stdout.write(String(median(args)) + '\n');
    break;
  case 'json-get':
    await jsonGet(args[0]);
    break;
  case 'pick-headers':
    pickHeaders(args[0], args.slice(1));
    break;
  case 'wrk-summary':
    wrkSummary(args[0]);
    break;
  default:
    die(`unknown command ${cmd ?? '(none)'}; see the comment at the top of this file`);
}
