// The ingest baseline: a bare node:http server in the same style as the agent
// port that reads the body and answers 204, with no checks and no storage.
// The most this machine can do; the real port is measured against it.
import http from 'node:http';

const server = http.createServer({ keepAliveTimeout: 5_000 }, (req, res) => {
  req.on('data', () => {});
  req.on('end', () => {
    res.writeHead(204);
    res.end();
  });
});
server.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
