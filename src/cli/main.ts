// Entry point of dist/cli.js (bin/blocksmith.js loads it). Exits with main()'s code once
// output has drained, rather than process.exit, so piped output is never cut short.
import { main } from './cli';
import { processIo } from './io';

void main(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
});
