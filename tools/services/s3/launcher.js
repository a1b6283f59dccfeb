#!/usr/bin/env node
'use strict';

// An S3-compatible test server for the AgentManager.Storage.S3 tests: s3rver 3.7.1 listening on an internal
// loopback port, behind a front server on the requested port that repairs what s3rver misreads in requests
// of the AWS SDK for .NET v4 (SDK defaults, nothing switched off on the client side):
//
//  - Uploads in aws-chunked encoding (Content-Encoding: aws-chunked, x-amz-content-sha256: STREAMING-...,
//    one "<hex size>;chunk-signature=..." line per chunk, optional trailers such as x-amz-checksum-crc32):
//    s3rver would store the framing as the object's content. The front server reads the whole body, removes
//    the framing, verifies the checksum (trailer or header) when there is one (400 BadDigest otherwise, and
//    nothing is stored), and forwards the plain payload with its real Content-Length.
//  - x-amz-copy-source: the SDK percent-encodes it as a whole ("bucket%2Fkey") and s3rver decodes it with
//    decodeURI, which keeps "%2F"; the header is forwarded with only the characters decodeURI restores encoded.
//  - A filesystem error inside s3rver's upload stream (a delete racing an upload in the same folder) would
//    crash the process; it only fails that upload.
//  - ListObjectsV2 continuation tokens are DES-encrypted by s3rver, which node 17+ only offers with
//    --openssl-legacy-provider: the launcher refuses to start without it rather than fail on the second page.
//
// Usage: node --openssl-legacy-provider launcher.js <data-directory> <port> [--exit-on-stdin-close]
//   <port> 0 picks a free port. Prints "S3 READY <port>" on stdout once both servers listen.
//   --exit-on-stdin-close stops the server when its standard input closes (the parent process died).
// Credentials: any SigV4 signature whose format is valid is accepted (s3rver checks formats, not signatures).

const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const S3rver = require('s3rver');

const MAX_CHUNKED_BODY_BYTES = 512 * 1024 * 1024;

function fail(message) {
  process.stderr.write(`s3 launcher: ${message}\n`);
  process.exit(2);
}

function parseArguments(argv) {
  const flags = argv.filter(a => a.startsWith('--'));
  const positional = argv.filter(a => !a.startsWith('--'));
  const unknown = flags.filter(f => f !== '--exit-on-stdin-close');
  if (positional.length !== 2 || unknown.length > 0) {
    fail('usage: node --openssl-legacy-provider launcher.js <data-directory> <port> [--exit-on-stdin-close]');
  }
  const [directory, portText] = positional;
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) {
    fail(`the port '${portText}' is not a number from 0 to 65535 (0 picks a free port)`);
  }
  return { directory, port, exitOnStdinClose: flags.includes('--exit-on-stdin-close') };
}

function checkLegacyProvider() {
  try {
    crypto.createCipheriv('des', Buffer.alloc(8), Buffer.alloc(8));
  } catch {
    fail('DES is unavailable: start node with --openssl-legacy-provider (s3rver encrypts ListObjectsV2 continuation tokens with DES)');
  }
}

// ---- checksums ---------------------------------------------------------------------------------------------

function crcTable(polynomial) {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) {
      c = c & 1 ? (c >>> 1) ^ polynomial : c >>> 1;
    }
    table[n] = c >>> 0;
  }
  return table;
}

const CRC32_TABLE = crcTable(0xedb88320);
const CRC32C_TABLE = crcTable(0x82f63b78);

function crcBase64(table, bytes) {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) {
    crc = table[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  }
  const out = Buffer.alloc(4);
  out.writeUInt32BE((crc ^ 0xffffffff) >>> 0);
  return out.toString('base64');
}

const CHECKSUMS = {
  'x-amz-checksum-crc32': bytes => crcBase64(CRC32_TABLE, bytes),
  'x-amz-checksum-crc32c': bytes => crcBase64(CRC32C_TABLE, bytes),
  'x-amz-checksum-sha1': bytes => crypto.createHash('sha1').update(bytes).digest('base64'),
  'x-amz-checksum-sha256': bytes => crypto.createHash('sha256').update(bytes).digest('base64'),
};

// ---- aws-chunked -------------------------------------------------------------------------------------------

class S3RequestError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function malformed(detail) {
  return new S3RequestError(400, 'IncompleteBody', `The aws-chunked request body is malformed: ${detail}.`);
}

function isAwsChunked(headers) {
  const encoding = (headers['content-encoding'] || '').toLowerCase();
  const sha = headers['x-amz-content-sha256'] || '';
  return encoding.split(',').some(e => e.trim() === 'aws-chunked') || sha.startsWith('STREAMING-');
}

// Returns the payload and the trailing headers of an aws-chunked body.
function decodeAwsChunked(body) {
  const pieces = [];
  let offset = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', offset);
    if (lineEnd < 0) {
      throw malformed(`no chunk header line at byte ${offset}`);
    }
    const sizeText = body.toString('latin1', offset, lineEnd).split(';')[0].trim();
    if (!/^[0-9a-fA-F]{1,12}$/.test(sizeText)) {
      throw malformed(`the chunk size '${sizeText}' at byte ${offset} is not hexadecimal`);
    }
    const size = parseInt(sizeText, 16);
    offset = lineEnd + 2;
    if (size === 0) {
      break;
    }
    if (offset + size + 2 > body.length || body[offset + size] !== 0x0d || body[offset + size + 1] !== 0x0a) {
      throw malformed(`the chunk of ${size} bytes at byte ${offset} is cut short or not followed by CRLF`);
    }
    pieces.push(body.subarray(offset, offset + size));
    offset += size + 2;
  }

  const trailers = {};
  while (offset < body.length) {
    let lineEnd = body.indexOf('\r\n', offset);
    if (lineEnd < 0) {
      lineEnd = body.length;
    }
    const line = body.toString('latin1', offset, lineEnd);
    offset = lineEnd + 2;
    if (line === '') {
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      throw malformed(`the trailer line '${line}' has no name`);
    }
    trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { payload: Buffer.concat(pieces), trailers };
}

function verifyChecksums(payload, headers, trailers) {
  const announced = (headers['x-amz-trailer'] || '')
    .split(',')
    .map(name => name.trim().toLowerCase())
    .filter(name => name.length > 0);
  for (const name of announced) {
    if (!(name in trailers)) {
      throw malformed(`the trailer '${name}' announced by x-amz-trailer is missing`);
    }
  }
  for (const [name, compute] of Object.entries(CHECKSUMS)) {
    const expected = trailers[name] ?? headers[name];
    if (expected !== undefined && compute(payload) !== expected) {
      throw new S3RequestError(400, 'BadDigest', `The ${name} you specified did not match the calculated checksum.`);
    }
  }
  const unsupported = Object.keys({ ...trailers, ...headers }).find(
    name => name.startsWith('x-amz-checksum-') && name !== 'x-amz-checksum-algorithm' && name !== 'x-amz-checksum-type' && !(name in CHECKSUMS),
  );
  if (unsupported) {
    throw new S3RequestError(501, 'NotImplemented', `This test server cannot verify ${unsupported}.`);
  }
}

function plainHeaders(headers, payloadLength) {
  const result = { ...headers };
  const encodings = (headers['content-encoding'] || '')
    .split(',')
    .map(e => e.trim())
    .filter(e => e.length > 0 && e.toLowerCase() !== 'aws-chunked');
  if (encodings.length > 0) {
    result['content-encoding'] = encodings.join(', ');
  } else {
    delete result['content-encoding'];
  }
  for (const name of ['x-amz-decoded-content-length', 'x-amz-trailer', 'transfer-encoding']) {
    delete result[name];
  }
  result['content-length'] = String(payloadLength);
  result['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
  return result;
}

function repairCopySource(headers) {
  const source = headers['x-amz-copy-source'];
  if (source === undefined) {
    return headers;
  }
  let decoded;
  try {
    decoded = decodeURIComponent(source);
  } catch {
    throw new S3RequestError(400, 'InvalidArgument', `The x-amz-copy-source '${source}' is not valid percent-encoding.`);
  }
  // s3rver applies decodeURI, which turns this back into the decoded value.
  return { ...headers, 'x-amz-copy-source': encodeURI(decoded) };
}

// ---- servers -----------------------------------------------------------------------------------------------

function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const pieces = [];
    let total = 0;
    req.on('data', piece => {
      total += piece.length;
      if (total > limit) {
        reject(new S3RequestError(400, 'EntityTooLarge', `This test server buffers aws-chunked bodies up to ${limit} bytes.`));
        req.destroy();
        return;
      }
      pieces.push(piece);
    });
    req.on('end', () => resolve(Buffer.concat(pieces)));
    req.on('error', reject);
  });
}

function sendError(res, error) {
  if (res.headersSent) {
    res.destroy(error);
    return;
  }
  const status = error instanceof S3RequestError ? error.status : 502;
  const code = error instanceof S3RequestError ? error.code : 'InternalError';
  const escape = text => String(text).replace(/[<>&'"]/g, c => `&#${c.charCodeAt(0)};`);
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${escape(code)}</Code><Message>${escape(error.message)}</Message></Error>`;
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function forward(innerPort, agent, req, res, headers, body) {
  const upstream = http.request(
    { host: '127.0.0.1', port: innerPort, method: req.method, path: req.url, headers, agent },
    reply => {
      res.writeHead(reply.statusCode, reply.statusMessage, reply.headers);
      reply.pipe(res);
    },
  );
  upstream.on('error', error => sendError(res, error));
  if (body === undefined) {
    req.pipe(upstream);
  } else {
    upstream.end(body);
  }
}

async function handle(innerPort, agent, req, res) {
  try {
    let headers = repairCopySource(req.headers);
    if (!isAwsChunked(headers)) {
      forward(innerPort, agent, req, res, headers, undefined);
      return;
    }
    const { payload, trailers } = decodeAwsChunked(await readBody(req, MAX_CHUNKED_BODY_BYTES));
    const declared = headers['x-amz-decoded-content-length'];
    if (declared !== undefined && Number(declared) !== payload.length) {
      throw new S3RequestError(400, 'IncompleteBody', `x-amz-decoded-content-length is ${declared} but the chunks hold ${payload.length} bytes.`);
    }
    verifyChecksums(payload, headers, trailers);
    headers = plainHeaders(headers, payload.length);
    forward(innerPort, agent, req, res, headers, payload);
  } catch (error) {
    if (!(error instanceof S3RequestError)) {
      process.stderr.write(`s3 launcher: ${req.method} ${req.url}: ${error.stack || error}\n`);
    }
    sendError(res, error);
  }
}

function listen(server, port) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server.address().port));
  });
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  checkLegacyProvider();
  fs.mkdirSync(options.directory, { recursive: true });

  const inner = new S3rver({
    address: '127.0.0.1',
    port: 0,
    directory: options.directory,
    silent: true,
    vhostBuckets: false,
  });
  const innerPort = (await inner.run()).port;

  const agent = new http.Agent({ keepAlive: true });
  const front = http.createServer((req, res) => {
    handle(innerPort, agent, req, res);
  });
  const port = await listen(front, options.port);

  let stopping = false;
  const stop = () => {
    if (stopping) {
      return;
    }
    stopping = true;
    front.close();
    agent.destroy();
    inner.close().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  // s3rver writes an upload through a file stream with no error listener. A DeleteObjects in the same folder
  // can remove that folder between s3rver's mkdir and its open (a cancelled save cleaning up its own uploads
  // while the server still processes them), and the stream's ENOENT would end the whole process. Such a
  // filesystem error fails that one upload only; anything else still stops the server.
  process.on('uncaughtException', error => {
    if (error && typeof error.syscall === 'string') {
      process.stderr.write(`s3 launcher: an upload failed inside s3rver (${error.code} ${error.syscall}); the server goes on\n`);
      return;
    }
    process.stderr.write(`s3 launcher: ${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  });
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  if (options.exitOnStdinClose) {
    process.stdin.on('end', stop);
    process.stdin.on('close', stop);
    process.stdin.resume();
  }

  process.stdout.write(`S3 READY ${port}\n`);
}

main().catch(error => fail(error.stack || String(error)));
