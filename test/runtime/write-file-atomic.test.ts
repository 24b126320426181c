import { mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { removeLeftoverTempFiles, writeFileAtomicSync } from '../../src/runtime/write-file-atomic.js'
import { tempDir } from '../helpers/tmp.js'

const mode = (path: string) => statSync(path).mode & 0o777

describe('writeFileAtomicSync', () => {
  it('writes a new file 0600 and replaces an existing one, leaving no temp file', () => {
    const dir = tempDir()
    const file = join(dir, 'report.json')
    writeFileAtomicSync(file, 'one')
    expect(readFileSync(file, 'utf8')).toBe('one')
    expect(mode(file)).toBe(0o600)
    writeFileAtomicSync(file, Buffer.from('two'), { unlinkFirst: true })
    writeFileAtomicSync(file, 'three')
    expect(readFileSync(file, 'utf8')).toBe('three')
    expect(readdirSync(dir)).toEqual(['report.json'])
  })

  it('takes a mode, and creates the parent dir 0700 when asked', () => {
    const dir = tempDir()
    const file = join(dir, 'a', 'b', 'metrics.prom')
    expect(() => writeFileAtomicSync(file, 'x')).toThrow(/ENOENT/)
    writeFileAtomicSync(file, 'x', { mkdir: true, mode: 0o644 })
    expect(mode(file)).toBe(0o644)
    expect(mode(join(dir, 'a', 'b'))).toBe(0o700)
  })

  it('removes its temp file and throws when the rename fails; the target is untouched', () => {
    const dir = tempDir()
    const target = join(dir, 'busy')
    mkdirSync(target)
    writeFileSync(join(target, 'inside'), 'kept') // a non-empty dir cannot be renamed over
    expect(() => writeFileAtomicSync(target, 'new')).toThrow()
    expect(readdirSync(dir)).toEqual(['busy'])
    expect(readFileSync(join(target, 'inside'), 'utf8')).toBe('kept')
  })

  it('gives every call its own temp name (calls in one process never share one)', () => {
    const dir = tempDir()
    for (let i = 0; i < 50; i++) writeFileAtomicSync(join(dir, 'f'), String(i))
    expect(readFileSync(join(dir, 'f'), 'utf8')).toBe('49')
    expect(readdirSync(dir)).toEqual(['f'])
  })
})

describe('removeLeftoverTempFiles', () => {
  it('removes a dead writer\'s temp file older than 2 s and any older than a minute; keeps a live writer\'s young one, other names, symlinks and other targets', () => {
    const dir = tempDir()
    const dead = 2 ** 22 + 12_345 // above pid_max's default: no such process
    const at = (name: string, ageMs: number) => {
      writeFileSync(join(dir, name), 'x')
      const t = (Date.now() - ageMs) / 1000
      utimesSync(join(dir, name), t, t)
    }
    at(`report.json.${dead}.abc123.1.tmp`, 5_000) // dead writer, 5 s: gone
    at(`trace.json.${process.ppid}.abc123.2.tmp`, 90_000) // a live pid, but a minute old: gone
    at(`report.json.${dead}.abc123.3.tmp`, 500) // dead, but young: kept (2 s grace)
    at(`report.json.${process.ppid}.abc123.4.tmp`, 5_000) // a live writer: kept
    at(`other.json.${dead}.abc123.5.tmp`, 90_000) // a target not asked for: kept
    at('notes.tmp', 90_000) // not a temp file name of writeFileAtomicSync: kept
    symlinkSync('/etc/hostname', join(dir, `trace.json.${dead}.abc123.6.tmp`))
    expect(removeLeftoverTempFiles(dir, name => name === 'report.json' || name === 'trace.json')).toBe(2)
    expect(readdirSync(dir).sort()).toEqual([
      'notes.tmp', `other.json.${dead}.abc123.5.tmp`, `report.json.${dead}.abc123.3.tmp`,
      `report.json.${process.ppid}.abc123.4.tmp`, `trace.json.${dead}.abc123.6.tmp`,
    ].sort())
    expect(removeLeftoverTempFiles(join(dir, 'missing'))).toBe(0)
  })
})
