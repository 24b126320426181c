/**
 * The shards a `vitest --merge-reports` run lacks. Each shard job's blob reporter writes
 * `blob-<index>-<count>.json` (vitest's default name, in `.vitest-reports/`), and the merge replays
 * whatever blobs its directory holds: with a shard job's blob missing (the job failed, its artifact
 * was not uploaded), the merge replays part of the suite and would be recorded as a whole run of it.
 * Such a run is recorded `partial` (as a `--bail` run is), with the shards it lacks.
 */
import { readdirSync } from 'node:fs'
import { resolve } from 'node:path'

/**
 * `['2/4', '4/4']` for a merge directory holding only shards 1 and 3 of 4; undefined when every
 * shard is there, or when the blobs do not tell (a name of another pattern, counts that differ, an
 * unreadable directory): then the run is recorded as before.
 */
export function missingShards(mergeDir: unknown, cwd = process.cwd()): string[] | undefined {
  const dir = typeof mergeDir === 'string' && mergeDir !== '' ? mergeDir : '.vitest-reports'
  let names: string[]
  try {
    names = readdirSync(resolve(cwd, dir))
  } catch {
    return undefined
  }
  let count: number | undefined
  const present = new Set<number>()
  for (const name of names) {
    const match = /^blob-(\d+)-(\d+)\.json$/.exec(name)
    if (!match) return undefined
    const index = Number(match[1])
    const of = Number(match[2])
    if ((count !== undefined && of !== count) || index < 1 || index > of) return undefined
    count = of
    present.add(index)
  }
  if (count === undefined) return undefined
  const missing: string[] = []
  for (let i = 1; i <= count; i++) if (!present.has(i)) missing.push(`${i}/${count}`)
  return missing.length > 0 ? missing : undefined
}
