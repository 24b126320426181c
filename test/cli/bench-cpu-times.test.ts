/**
 * `unperf bench`'s user and system times come from the shell's `times`. bash, the `sh` of macOS
 * and Fedora, writes them with the locale's decimal point (`0m0,412s` under de_DE), which read as
 * 0: `[User: 0.0 ms, System: 0.0 ms]` for a command that spent its whole run on the CPU. Here with
 * the real bash as `sh` and a real de_DE locale, built by localedef into the test's dir.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperfWithEnv } from '../helpers/unperf-cli.js'

const bash = ['/usr/bin/bash', '/bin/bash'].find(existsSync)
const canMakeLocale = spawnSync('localedef', ['--help']).status === 0 && existsSync('/usr/share/i18n/locales/de_DE')

describe.skipIf(!bash || !canMakeLocale)('unperf bench under bash as sh, in a locale with a decimal comma', () => {
  it('user and system times are read (they were 0)', () => {
    const dir = tempDir('unperf-bench-locale-')
    const locales = join(dir, 'locales')
    mkdirSync(locales)
    execFileSync('localedef', ['-i', 'de_DE', '-f', 'UTF-8', join(locales, 'de_DE.UTF-8')])
    mkdirSync(join(dir, 'bin'))
    symlinkSync(bash!, join(dir, 'bin', 'sh'))
    const env = { PATH: `${join(dir, 'bin')}:${process.env.PATH}`, LOCPATH: locales, LC_ALL: 'de_DE.UTF-8' }
    // what the shell writes there: the case this test is about
    const times = execFileSync('sh', ['-c', 'times'], { env: { ...process.env, ...env }, encoding: 'utf8' })
    expect(times).toMatch(/^\d+m\d+,\d+s \d+m\d+,\d+s$/m)
    const r = unperfWithEnv(dir, env, 'bench', '--runs', '3', '--warmup', '0', '--json', 'node -e "for (let i = 0; i < 2e8; i++);"')
    expect(r.code, r.stderr).toBe(0)
    const [result] = r.json().results
    // a loop of 2e8 takes some 150 ms of CPU on a quiet machine; bash's times has 1 ms resolution
    expect(result.user).toBeGreaterThan(0.03)
    expect(result.user + result.system).toBeLessThan(result.max + 0.2)
  })
})
