import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { writeFileAtomicSync } from '../../src/runtime/write-file-atomic.js'
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
