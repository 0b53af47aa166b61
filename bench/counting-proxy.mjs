// A pass-through proxy that counts the body bytes its backend answers (bench/fallback.sh puts it
// between Hangar B and its fallback source A, to read how many bytes B fetched from A).
//   node counting-proxy.mjs PORT BACKEND_URL
// GET /__bench/bytes answers the count so far (a path no hub route uses); the proxy itself never
// changes a byte.
import http from 'node:http';

const [port, backend] = process.argv.slice(2);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
let bytes = 0;
http
  .createServer((req, res) => {
    if (req.url === '/__bench/bytes') return res.writeHead(200, { 'Content-Type': 'text/plain' }).end(String(bytes));
    const upstream = http.request(new URL(req.url, backend), { method: req.method, headers: req.headers, agent }, (answer) => {
      res.writeHead(answer.statusCode, answer.rawHeaders);
      answer.on('data', (chunk) => (bytes += chunk.length));
      answer.pipe(res);
    });
    upstream.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
    req.pipe(upstream);
  })
  .listen(Number(port), '127.0.0.1', () => console.log('listening'));
