/**
 * Runs `lines` (an ES module using `createWorkers` from './workers.mjs') in a child node process:
 * src/runtime/workers.ts bundled into a temp dir inside the repo's node_modules (so the bundle
 * resolves tinypool as an installed package does), with worker-entry.mjs beside it. For what only
 * a whole process shows: what keeps it alive, what it prints on stderr.
 */
import { execFile } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { build } from 'esbuild'
import { onTestFinished } from 'vitest'

export async function runWorkersScript(lines: string[]): Promise<{ stdout: string; stderr: string }> {
  const root = fileURLToPath(new URL('../../', import.meta.url))
  mkdirSync(join(root, 'node_modules/.cache'), { recursive: true })
  const dir = mkdtempSync(join(root, 'node_modules/.cache/unperf-workers-'))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  await build({ entryPoints: [join(root, 'src/runtime/workers.ts')], bundle: true, format: 'esm', platform: 'node', outfile: join(dir, 'workers.mjs'), packages: 'external', logLevel: 'silent', absWorkingDir: root })
  copyFileSync(join(root, 'src/runtime/worker-entry.mjs'), join(dir, 'worker-entry.mjs'))
  const script = join(dir, 'main.mjs')
  writeFileSync(script, [`import { createWorkers } from './workers.mjs'`, ...lines].join('\n'))
  return promisify(execFile)(process.execPath, [script], { cwd: root, timeout: 30_000 })
}
