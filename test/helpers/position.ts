import { readFileSync } from 'node:fs'
import { join } from 'node:path'

/** `line:column` (1-based, as editors and unperf's messages count them) of the first `needle` in `text`, after `after` when given. */
export function positionOf(text: string, needle: string, after = ''): string {
  const from = after ? text.indexOf(after) : 0
  if (from < 0) throw new Error(`${after} not in fixture`)
  const offset = text.indexOf(needle, from)
  if (offset < 0) throw new Error(`${needle} not in fixture`)
  const before = text.slice(0, offset)
  return `${before.split('\n').length}:${offset - before.lastIndexOf('\n')}`
}

/** `perf.config.mjs:1:60`: where `needle` (a `plugins` entry) is written in a project's config file, as a plugin's message names it. */
export function configAt(dir: string, needle: string, file = 'perf.config.mjs'): string {
  return `${file}:${positionOf(readFileSync(join(dir, file), 'utf8'), needle)}`
}
