// Starts the Cloud Storage emulator of firebase-tools (its GCS JSON API handlers, plain Node) without
// `firebase emulators:start`, which needs Java 21 and a downloaded jar. The security-rules runtime is never started:
// requests authorised as the emulator's admin ("Authorization: Bearer owner") or made to the JSON API need no rules.
//
// Usage: node launch.js [port] [host]   (port 0 picks a free one). Prints one line "listening <host>:<port>" once
// ready, and stops when its standard input closes, so that a test process that dies takes the emulator with it.
"use strict";
const http = require("http");
const path = require("path");
const fs = require("fs");
const os = require("os");

const port = Number(process.argv[2] || 0);
const host = process.argv[3] || "127.0.0.1";

// Persistence goes to a directory of this process, so parallel emulators do not share blobs.
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "nixery-gcs-emulator-"));
process.env.TMPDIR = scratch;

const { StorageEmulator } = require("firebase-tools/lib/emulator/storage/index.js");
const { createApp } = require("firebase-tools/lib/emulator/storage/server.js");
const { EmulatorRegistry } = require("firebase-tools/lib/emulator/registry.js");

// The JSON API lives under /storage/v1; the emulator serves some methods (rewriteTo, copyTo, patch, acl) only
// without that prefix. Map them, so a client can use Google's real base path for everything.
const unprefixed = /^\/storage\/v1(\/b\/[^/]+\/o\/[^/?]+\/(rewriteTo|copyTo|acl)(\/|\?|$))/;

async function main() {
  const emulator = new StorageEmulator({ projectId: "nixery-tests", host, port, auto_download: false });
  const app = await createApp("nixery-tests", emulator);
  const server = http.createServer((req, res) => {
    const match = unprefixed.exec(req.url);
    if (match) req.url = req.url.substring("/storage/v1".length);
    else if (req.method === "PATCH" && req.url.startsWith("/storage/v1/b/")) req.url = req.url.substring("/storage/v1".length);
    app(req, res);
  });
  server.listen(port, host, () => {
    const address = server.address();
    // The handlers build self links and upload URLs from the registry's record of the running emulator.
    emulator.args.port = address.port;
    EmulatorRegistry.set(emulator.getName(), emulator);
    process.stdout.write(`listening ${address.address}:${address.port}\n`);
  });
  const stop = () => {
    server.close();
    fs.rmSync(scratch, { recursive: true, force: true });
    process.exit(0);
  };
  process.stdin.on("end", stop);
  process.stdin.on("close", stop);
  process.stdin.resume();
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error) => {
  process.stderr.write(`emulator failed to start: ${error && error.stack || error}\n`);
  process.exit(1);
});
