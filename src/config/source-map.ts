/**
 * Positions in a config file as its author wrote it, from positions in code derived from it (what
 * jiti evaluated, what esbuild printed): a source map's `mappings` decoded, looked up by line and
 * column. Error paths only (imported lazily).
 */
import { readFileSync } from 'node:fs'
import { createJitiOfC12 } from './jiti-import-once.js'
import { inModulePackage } from './package-type.js'

/** 1-based line and column, as editors and V8's stack frames count them. */
export interface SourcePosition { line: number; column: number }

/** Per generated line (0-based), its segments: [generated column, original line, original column] (0-based). */
type Mappings = Array<Array<[number, number, number]>>

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/** A source map's `mappings` string (single source: the file itself). */
export function decodeMappings(mappings: string): Mappings {
  return decodeAllMappings(mappings).map(segments => segments.filter(s => s[1] === 0).map(s => [s[0], s[2], s[3]] as [number, number, number]))
}

/** Per generated line (0-based), its segments of every source: [generated column, source index, original line, original column] (0-based). */
export function decodeAllMappings(mappings: string): Array<Array<[number, number, number, number]>> {
  const lines: Array<Array<[number, number, number, number]>> = []
  let srcLine = 0
  let srcCol = 0
  let src = 0
  for (const text of mappings.split(';')) {
    const segments: Array<[number, number, number, number]> = []
    let genCol = 0
    for (const segment of text.split(',')) {
      if (!segment) continue
      const fields: number[] = []
      let value = 0
      let shift = 0
      for (const ch of segment) {
        const digit = B64.indexOf(ch)
        if (digit < 0) return lines
        value += (digit & 31) << shift
        if (digit & 32) { shift += 5; continue }
        fields.push(value & 1 ? -(value >>> 1) : value >>> 1)
        value = 0
        shift = 0
      }
      genCol += fields[0] ?? 0
      if (fields.length < 4) continue
      src += fields[1]!
      srcLine += fields[2]!
      srcCol += fields[3]!
      segments.push([genCol, src, srcLine, srcCol])
    }
    lines.push(segments)
  }
  return lines
}

/** The original position of a generated one (1-based both ways): the segment at or before the column on that line. */
export function originalPosition(mappings: Mappings, line: number, column: number): SourcePosition | undefined {
  const segments = mappings[line - 1]
  if (!segments || segments.length === 0) return undefined
  let best: [number, number, number] | undefined
  for (const s of segments) {
    if (s[0] <= column - 1) best = s
    else break
  }
  best ??= segments[0]!
  // inside a segment (a token printed as it was written): the same offset from its start
  return { line: best[1] + 1, column: best[2] + 1 + Math.max(0, column - 1 - best[0]) }
}

/** The inline source map's mappings at the end of a piece of code, if it has one. */
export function inlineMappings(code: string): Mappings | undefined {
  const m = /\/\/# sourceMappingURL=data:application\/json(?:;charset=[\w-]+)?;base64,([A-Za-z0-9+/=]+)\s*$/.exec(code)
  if (!m) return undefined
  try {
    const map = JSON.parse(Buffer.from(m[1]!, 'base64').toString('utf8')) as { mappings?: unknown }
    return typeof map.mappings === 'string' ? decodeMappings(map.mappings) : undefined
  } catch {
    return undefined
  }
}

/** jiti's wrapper around the code it evaluates (`jiti.import`: async), all on the code's first line. */
const JITI_WRAPPER = '(async function (exports, require, module, __filename, __dirname, jitiImport, jitiESMResolve) { '

/**
 * A stack frame's position in a config file jiti transpiled (TypeScript; ESM syntax in a `.js` of a
 * package that is not `"type": "module"`), in the file as written: jiti's babel output keeps the
 * lines but not the columns (type annotations, `as`, spacing are gone), so the code is transpiled
 * again the way jiti did, with its inline source map, and the position looked up. An ES module
 * (`.mjs`, a module package's `.js`) jiti imports as it is, but one that throws is evaluated again
 * transpiled (jiti's fallback after a failed native import), and that evaluation's error is the one
 * c12 gets: its frame in the file is a path (`/…/perf.config.mjs:1:116`, the column past the line's
 * end on line 1, within jiti's wrapper), where node's own import's is a `file://` URL (`native`: a
 * function of a module imported natively, called from the config): the position as given then, and
 * for a `.cjs` (node's require gives paths too) unless the column is past the end of the first
 * line. undefined: no map.
 */
export function jitiSourcePosition(file: string, line: number, column: number, native = false): SourcePosition | undefined {
  if (native) return { line, column }
  let source: string
  try { source = readFileSync(file, 'utf8') } catch { return undefined }
  // a `.cjs` (or a CommonJS `.js`): node's require gives paths too, so the frame is jiti's only when
  // it could not be node's, a column past the end of the first line (in jiti's wrapper)
  const firstLine = source.indexOf('\n')
  const wrapped = line === 1 && column > (firstLine === -1 ? source.length : firstLine)
  if (!wrapped && !transpiledByJiti(file, source)) return { line, column }
  try {
    const jiti = createJitiOfC12(file, { sourceMaps: true, fsCache: false, interopDefault: true })
    const code = jiti.transform({ filename: file, source, ts: /\.[cm]?tsx?$/.test(file), async: true })
    const mappings = inlineMappings(code)
    if (!mappings) return undefined
    return originalPosition(mappings, line, line === 1 ? Math.max(1, column - JITI_WRAPPER.length) : column)
  } catch {
    return undefined
  }
}

/**
 * Whether a frame's path (not a `file://` URL) in this file is in code jiti transpiled: jiti's own
 * test (its eval), but for an ES module (`.mjs`, a module package's `.js`), which jiti imports as it
 * is when async: a path frame there is its transpiled fallback's (node's import gives URLs).
 */
function transpiledByJiti(file: string, source: string): boolean {
  if (/\.[cm]?tsx?$/.test(file)) return true
  if (file.endsWith('.mjs')) return true
  if (file.endsWith('.cjs')) return false
  if (!file.endsWith('.js')) return false
  if (inModulePackage(file)) return true
  return /(?:[\s;]|^)(?:import[\s\w*,{}]*from|import\s*["'*{]|export\b\s*(?:[*{]|default|class|type|function|const|var|let|async function)|import\.meta\b)/m.test(source)
}
