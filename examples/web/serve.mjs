// A static file server for this page, with no dependencies (any other static server works too):
//
//   node examples/web/serve.mjs [--port 8080] [--mount /prefix=/some/dir]
//
// Serves this folder on 127.0.0.1 (the page needs pkg/, made by bindings/wasm/build.sh), with
// the .wasm served as application/wasm. `--mount` serves another folder under a prefix (the
// browser test puts its benchmark group there). Prints "listening on <url>" once ready.
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.ts': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Starts a server for `mounts` (`[[urlPrefix, dir], ...]`, longest prefix first); resolves to it. */
export function serve(mounts, port = 0) {
  const sorted = [...mounts].sort((a, b) => b[0].length - a[0].length);
  const server = createServer((req, res) => {
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    const [prefix, dir] = sorted.find(([p]) => path === p || path.startsWith(p.endsWith('/') ? p : `${p}/`)) ?? [];
    if (!dir || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(dir ? 405 : 404).end();
      return;
    }
    path = path.slice(prefix.length);
    if (path === '' || path.endsWith('/')) path += 'index.html';
    const root = resolve(dir);
    const file = resolve(root, normalize(`.${sep}${path}`));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    let size;
    try {
      const st = statSync(file);
      if (!st.isFile()) throw new Error('not a file');
      size = st.size;
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': size,
      'cache-control': 'no-store',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  return new Promise((ok) => server.listen(port, '127.0.0.1', () => ok(server)));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const mounts = [['/', dirname(fileURLToPath(import.meta.url))]];
  let port = 8080;
  for (let i = 0; i < args.length; i += 1) {
    if (args[i] === '--port') port = Number.parseInt(args[++i], 10);
    else if (args[i] === '--mount') {
      const [prefix, dir] = args[++i].split('=');
      mounts.push([prefix, dir]);
    }
  }
  const server = await serve(mounts, port);
  console.log(`listening on http://127.0.0.1:${server.address().port}/`);
}
