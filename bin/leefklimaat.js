#!/usr/bin/env node
// The `leefklimaat` command. Runs the compiled CLI (`npm install` builds it).
const path = require('node:path');
const fs = require('node:fs');

const compiled = path.join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
if (!fs.existsSync(compiled)) {
  process.stderr.write('Leefklimaat is nog niet gebouwd; voer `npm run build` uit. / Not built yet; run `npm run build`.\n');
  process.exit(1);
}
require(compiled)
  .runCli(process.argv.slice(2))
  .then((code) => process.exit(code));
