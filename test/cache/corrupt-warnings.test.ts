/**
 * The corrupt-entry warning names each corrupt key a process meets, up to five a namespace, each in a
 * warning of its own; the others are counted and said in one warning at close, the first five of
 * them named (s31 audit: only the first key of a namespace was named, a damaged disk's other entries
 * went unsaid). Real fs tier in a temp dir, files overwritten as a damaged disk or a sync tool would.
 */
import { readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { manager } from './_manager.js'

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true }).filter(e => e.isFile()).map(e => join(e.parentPath, e.name))
}

async function corruptKeys(count: number) {
  const writer = manager({ driver: ['memory', 'fs'] })
  const keys = Array.from({ length: count }, (_, i) => `k${i}`)
  for (const k of keys) await writer.cache.set(k, { k })
  await writer.m.close()
  for (const k of keys) writeFileSync(filesUnder(writer.dir).find(f => f.endsWith(`/${k}.e`))!, 'not an entry at all')
  return { keys, reader: manager({ driver: ['memory', 'fs'], cwd: writer.cwd, dir: writer.dir }) }
}

const corruptWarnings = (warnings: string[]) => warnings.filter(w => w.startsWith('cache-corrupt:default'))

it('three corrupt entries: a warning naming each, nothing more at close', async () => {
  const { keys, reader } = await corruptKeys(3)
  for (const k of keys) expect(await reader.cache.get(k)).toBeNull()
  // the same key met again (another read of it) is not said twice
  expect(await reader.cache.get('k0')).toBeNull()
  await reader.m.close()
  const said = corruptWarnings(reader.warnings)
  expect(said).toHaveLength(3)
  keys.forEach((k, i) => expect(said[i]).toContain(`removed a corrupt cache entry '${k}' in namespace 'default' from its fs tier`))
})

it('twelve: the first five named one by one, the other seven counted at close with the first five of them named', async () => {
  const { keys, reader } = await corruptKeys(12)
  expect(await reader.cache.getMany(keys)).toEqual(Array.from({ length: 12 }, () => null))
  expect(corruptWarnings(reader.warnings)).toHaveLength(5)
  await reader.m.close()
  const said = corruptWarnings(reader.warnings)
  expect(said).toHaveLength(6)
  const named = said.slice(0, 5).map(w => /entry '(k\d+)'/.exec(w)![1])
  const rest = keys.filter(k => !named.includes(k))
  expect(said[5]).toContain("removed 7 more corrupt cache entries in namespace 'default' (12 in all, each treated as a miss): ")
  expect(said[5]).toContain(`${rest.slice(0, 5).map(k => `'${k}'`).join(', ')} and 2 more; unperf cache verify checks every entry`)
  expect(reader.cache.stats()).toMatchObject({ misses: 12, errors: 12 })
})
