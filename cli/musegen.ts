#!/usr/bin/env node
/** The `musegen` program (the package's bin). All of it is in program.ts; this file only starts it. */
import { main } from './program.js';

// `musegen corpus info x --json | head`: a closed pipe ends the output, not in an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

process.exitCode = await main(process.argv);
