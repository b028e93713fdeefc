#!/usr/bin/env node
// The `blocksmith` command: runs the bundled CLI (built by `npm run build`, or on `npm install`).
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const cli = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(cli)) {
  console.error(
    'blocksmith: dist/cli.js is missing; run `npm run build` in ' + path.dirname(__dirname),
  );
  process.exit(2);
}
require(cli);
