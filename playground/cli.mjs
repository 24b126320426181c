#!/usr/bin/env node
// The unperf playground: a small real citty CLI instrumented with unperf/citty.
//   node playground/cli.mjs deps          dependency graph of this repo's node_modules (cached)
//   node playground/cli.mjs hash [dir]    content hash of a file tree (cached by its files)
//   node playground/cli.mjs info          what unperf and the git-info plugin know
// Each command is its own module, imported only when it runs (citty's lazy subcommands), as a CLI
// that cares about its start does: `--help` or `info` never load what `hash` needs.
import { defineCommand } from 'citty'
import { runMain, withPerf } from '../dist/citty.mjs'

const main = defineCommand({
  meta: { name: 'playground', version: '1.0.0', description: 'A small CLI instrumented with unperf' },
  subCommands: {
    deps: () => import('./commands/deps.mjs').then(m => m.default),
    hash: () => import('./commands/hash.mjs').then(m => m.default),
    info: () => import('./commands/info.mjs').then(m => m.default),
  },
})

await runMain(withPerf(main))
