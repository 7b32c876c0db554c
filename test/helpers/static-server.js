#!/usr/bin/env node
// A static file server on loopback, run as its own process (the operator's web site or an IPFS
// gateway): `node static-server.js DIR` prints the port it listens on and serves GET and HEAD.
"use strict";
const { createReadStream, promises: fs } = require("node:fs");
const { createServer } = require("node:http");
const path = require("node:path");

const root = path.resolve(process.argv[2]);
const server = createServer((request, response) => {
  const file = path.join(root, path.normalize(decodeURIComponent(new URL(request.url || "/", "http://x").pathname)));
  if (!file.startsWith(root)) return void response.writeHead(403).end();
  fs.stat(file).then(
    (stat) => {
      if (!stat.isFile()) return void response.writeHead(404).end();
      response.writeHead(200, { "content-length": stat.size });
      if (request.method === "HEAD") return void response.end();
      createReadStream(file).pipe(response);
    },
    () => void response.writeHead(404).end(),
  );
});
server.listen(0, "127.0.0.1", () => process.stdout.write(`${server.address().port}\n`));
