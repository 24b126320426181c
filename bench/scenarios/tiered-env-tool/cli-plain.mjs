#!/usr/bin/env node
// envtool without unperf: the anchor of the scenario's startup figure. The same entry as cli.mjs
// (argument parsing, the command switch, the answer on stdout) for the commands that need no cache.
import { parseArgs } from 'node:util'

const { positionals } = parseArgs({
  allowPositionals: true,
  options: { from: { type: 'string' }, to: { type: 'string' }, ops: { type: 'string' }, keys: { type: 'string' }, passes: { type: 'string' }, present: { type: 'string' } },
})
const command = positionals[0] ?? 'version'
let out
switch (command) {
  case 'version':
    out = '1.0.0'
    break
  default:
    throw new Error(`envtool (without unperf): '${command}' needs the cache: use cli.mjs`)
}
process.stdout.write((typeof out === 'string' ? out : JSON.stringify(out)) + '\n')
