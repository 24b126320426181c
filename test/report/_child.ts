import { spawn } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const REPO = fileURLToPath(new URL('../..', import.meta.url))
let seq = 0

/** Bundles a TS fixture (src inlined, npm packages external) into an .mjs plain `node` runs. */
export async function bundle(entry: string): Promise<string> {
  const dir = join(REPO, 'node_modules', '.cache', 'unperf-report-tests')
  mkdirSync(dir, { recursive: true })
  const outfile = join(dir, `fixture-${process.pid}-${++seq}.mjs`)
  await build({ entryPoints: [fileURLToPath(new URL(entry, import.meta.url))], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'error', packages: 'external' })
  return outfile
}

export function run(file: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const proc = spawn(process.execPath, [file, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    proc.stdout.on('data', d => { stdout += d })
    proc.stderr.on('data', d => { stderr += d })
    proc.on('error', fail)
    // 'close', not 'exit': 'exit' can come before the last of stdout is read (a loaded machine: a
    // lock-file racer's 'busy' was read as '')
    proc.on('close', code => done({ code, stdout, stderr }))
  })
}
