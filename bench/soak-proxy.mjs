// The load balancer of bench/soak.sh's two-node run: each request to the next node in turn.
//   node soak-proxy.mjs PORT BACKEND_URL…
// (test/support/round-robin-proxy.ts is the same idea for the jest two-node mode.)
import http from 'node:http';

const [port, ...backends] = process.argv.slice(2);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
let next = 0;
http
  .createServer((req, res) => {
    const upstream = http.request(new URL(req.url, backends[next++ % backends.length]), { method: req.method, headers: req.headers, agent }, (answer) => {
      res.writeHead(answer.statusCode, answer.rawHeaders);
      answer.pipe(res);
    });
    upstream.on('error', () => res.headersSent ? res.destroy() : res.writeHead(502).end());
    req.pipe(upstream);
  })
  .listen(Number(port), '127.0.0.1', () => console.log('listening'));
