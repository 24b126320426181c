/**
 * A plugin's error, its code run from the plugin bundle (plugin-bundle.ts): the frames of its stack
 * in the bundle (`plugins-<hash>.mjs:812:11`) put back at the plugin's own file, line and column
 * (`plugins/audit.mjs:14:11`), as they read when the file was loaded on its own, through the source
 * map esbuild wrote beside the bundle. Error paths only: a deferred module (scripts/build.mjs).
 */
import { readFileSync, realpathSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { decodeAllMappings } from './source-map.js'

interface BundleMap { sources: string[]; lines: Array<Array<[number, number, number, number]>> }

/** Each bundle's decoded map (a hook that throws on every event decodes it once); null: none to read. */
const maps = new Map<string, BundleMap | null>()

/** Rewrites, in place, the stacks of `error` and of its causes that run through `bundleFile`. */
export function mapBundleStack(error: unknown, bundleFile: string): void {
  try {
    // node names a module by its real path: a node_modules that is a symlink (a shared or mounted
    // one) put the bundle's frames at another path than bundleFile, and none was mapped
    const real = realpathSync(bundleFile)
    if (real !== bundleFile) mapBundleStack(error, real)
    // an ES module's frames name its file:// url, percent-encoded where the path has a space or a
    // non-ASCII letter (/Users/José/...): not the path as written
    const url = pathToFileURL(bundleFile).href
    const names = (text: string) => text.includes(bundleFile) || text.includes(url)
    const seen = new Set<unknown>()
    for (let e = error; e instanceof Error && !seen.has(e); e = e.cause) {
      seen.add(e)
      if (typeof e.stack !== 'string' || !names(e.stack)) continue
      const map = mapOf(bundleFile)
      if (!map) return
      const positions = new RegExp(`(${escape(url)}|${escape(bundleFile)}):(\\d+):(\\d+)`, 'g')
      const mapped = (frame: string, at: string, line: string, column: string) => {
        const found = original(map, Number(line), Number(column))
        if (!found) return frame
        return `${at === url ? pathToFileURL(found.source).href : found.source}:${found.line}:${found.column}`
      }
      e.stack = e.stack.replace(positions, mapped)
      // a message that names a position (an Error with no message: 'made at <its first frame>')
      if (names(e.message)) e.message = e.message.replace(positions, mapped)
    }
  } catch { /* a message is never lost for its positions' sake */ }
}

// --- internal ---

function mapOf(bundleFile: string): BundleMap | undefined {
  let map = maps.get(bundleFile)
  if (map === undefined) {
    try {
      const raw = JSON.parse(readFileSync(`${bundleFile}.map`, 'utf8')) as { sources?: unknown; mappings?: unknown }
      map = Array.isArray(raw.sources) && typeof raw.mappings === 'string' ? { sources: raw.sources as string[], lines: decodeAllMappings(raw.mappings) } : null
    } catch {
      map = null
    }
    maps.set(bundleFile, map)
  }
  return map ?? undefined
}

/** 1-based line and column in the bundle → the plugin file's (1-based); undefined where esbuild's own code is. */
function original(map: BundleMap, line: number, column: number): { source: string; line: number; column: number } | undefined {
  const segments = map.lines[line - 1]
  if (!segments || segments.length === 0) return undefined
  let best: [number, number, number, number] | undefined
  for (const s of segments) {
    if (s[0] <= column - 1) best = s
    else break
  }
  best ??= segments[0]!
  const source = map.sources[best[1]]
  if (source === undefined || source.startsWith('<')) return undefined
  return { source, line: best[2] + 1, column: best[3] + 1 + Math.max(0, column - 1 - best[0]) }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
