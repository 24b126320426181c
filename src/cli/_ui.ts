/**
 * Output for people (aligned tables, colors as runtime/color.ts decides: NO_COLOR, FORCE_COLOR, a
 * TTY) and for machines (--json).
 */
import { useColor } from '../runtime/color.js'
import { writeJson } from './json-stdout.js'

export const color = useColor(process.stdout)
const paint = (code: number) => (s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s)
export const green = paint(32)
export const red = paint(31)
export const yellow = paint(33)
export const dim = paint(2)
export const bold = paint(1)

/**
 * Colors of what goes to stderr (warnings, errors, a check's verdict line): decided by stderr, as the
 * above are by stdout. With stdout's colors, `unperf budget 2> budget.log` on a terminal wrote escape
 * codes into the log, and `unperf config | less` lost the warning's color on the terminal.
 */
const errColor = useColor(process.stderr)
const paintErr = (code: number) => (s: string) => (errColor ? `\x1b[${code}m${s}\x1b[0m` : s)
export const stderrColors = { red: paintErr(31), yellow: paintErr(33) } as const

/** `1 run`, `3 runs`; `plural(1, 'entry', 'entries')`. */
export function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : nouns}`
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g
// Combining marks, zero-width joiner and variation selectors take no column; CJK, fullwidth forms and
// emoji take two (a key `日本語` is 3 code units but 6 columns: padding by `.length` broke the table)
const ZERO = /^[\p{Mn}\p{Me}\u200b-\u200f\ufe00-\ufe0f]$/u
const WIDE = /^[\u1100-\u115f\u2e80-\u303e\u3041-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{20000}-\u{3fffd}]$|^\p{Emoji_Presentation}$/u
const charWidth = (ch: string) => (ZERO.test(ch) ? 0 : WIDE.test(ch) ? 2 : 1)
/** Terminal columns a string takes (colors left out). */
export function visible(s: string): number {
  let n = 0
  for (const ch of s.replace(ANSI, '')) n += charWidth(ch)
  return n
}

/** At most `max` columns: whole characters only (never half a surrogate pair), `...` when cut. */
export function truncate(s: string, max: number): string {
  if (visible(s) <= max) return s
  let out = ''
  let n = 0
  for (const ch of s) {
    if (n + charWidth(ch) > max - 3) break
    out += ch
    n += charWidth(ch)
  }
  return out + '...'
}

// C0 and C1 controls, DEL, and the bidi controls that reorder what follows them (Trojan Source)
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

/**
 * A name as the terminal is to show it, its control characters escaped (`\x1b`, `\r`, `\u202e`):
 * cache keys and namespaces (a shared Redis, a plugin's), command and test names (a shared or merged
 * history). Printed raw, an ESC sequence in a key could clear the screen, set the title, write the
 * clipboard (OSC 52) or move the cursor over other lines, and a `\r` or a bidi override make a line
 * read as another. (--json output is JSON-escaped already.)
 */
export function printable(s: string): string {
  return s.replace(CONTROL, c => {
    const n = c.charCodeAt(0)
    return c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : n < 0x100 ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`
  })
}

/**
 * A figure with its unit (`1.16 s`, `+3 %`), one of two parts (`25 min 26 s`, formatDuration's past
 * a minute), or nothing to show (``, `–`): a column of them is right-aligned. A two-part age turned
 * `cache list`'s age column left-aligned as soon as one entry was a minute old.
 */
const FIGURE = /^[-+]?[\d.,]+\s?[a-zA-Zµ%]*(?: [\d.,]+\s?[a-zA-Zµ%]*)?$|^–?$/

/** An aligned table; numeric-looking columns are right-aligned. */
export function table(rows: string[][], header?: string[]): string {
  const all = header ? [header.map(h => bold(h)), ...rows] : rows
  if (all.length === 0) return ''
  const widths = all[0]!.map((_, i) => Math.max(...all.map(r => visible(r[i] ?? ''))))
  const numeric = widths.map((_, i) => rows.length > 0 && rows.every(r => FIGURE.test((r[i] ?? '').replace(ANSI, ''))))
  return all.map(r => r.map((cell, i) => {
    const fill = ' '.repeat(Math.max(0, widths[i]! - visible(cell ?? '')))
    return numeric[i] && i > 0 ? fill + cell : cell + fill
  }).join('  ').trimEnd()).join('\n')
}

export function printJson(value: unknown): void {
  // Infinity (`swr: true`) and functions (a config's hooks) are what JSON cannot hold: shown as the
  // text output shows them, not as null or left out (`hooks: {}` read as "no hooks configured")
  // a Uint8Array as Node shows a Buffer (`{ type: 'Buffer', data: [...] }`), not JSON's object of indices
  writeJson(JSON.stringify(value, (_k, v) => (v === Number.POSITIVE_INFINITY ? 'Infinity' : typeof v === 'function' ? '[function]' : v instanceof Uint8Array ? { type: 'Uint8Array', data: Array.from(v) } : v), 2) + '\n')
}

/** Common flags of every command. */
export const commonArgs = {
  cwd: { type: 'string', description: 'Project directory' },
  env: { type: 'string', description: 'Config environment (PERF_ENV)' },
  json: { type: 'boolean', description: 'Machine-readable output' },
} as const

/**
 * The commands that read the host's config: `--root-dir` is where its perf.config is (the host
 * CLI's package), when that is not the project it ran in (`--cwd`: the reports and cache scope of
 * a run are the project's).
 */
export const configArgs = {
  ...commonArgs,
  'root-dir': { type: 'string', description: "Where perf.config is, when not in --cwd (the host CLI's package)" },
} as const

/**
 * The mark before a result: ✔, or `!` when it is incomplete (a cache tier could not be reached: the
 * command exits 1, says `incomplete` on stderr); a green ✔ over `cleared every namespace` read as
 * done while the Redis tier holding the entries was down.
 */
export function doneMark(complete: boolean): string {
  return complete ? green('✔') : yellow('!')
}
