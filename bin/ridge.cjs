#!/usr/bin/env node
// The `ridge` command: runs the bundled CLI, or says how to build it.
const path = require('node:path');
const fs = require('node:fs');
const bundle = path.join(__dirname, '..', 'out', 'cli', 'ridge.cjs');
if (!fs.existsSync(bundle)) {
  process.stderr.write(
    "error: the ridge CLI is not built yet; run 'npm run setup' (or 'npm run build:cli') first\n",
  );
  process.exit(2);
}
require(bundle);
