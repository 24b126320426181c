/**
 * How `unperf profile` starts its command on each platform (windows-command.ts), as far as it can be
 * tested without Windows: whether the command is node itself, where Windows finds it (the cwd, then
 * %PATH% with %PATHEXT%) and how a `.cmd`/`.bat` shim (npx, pnpm, yarn) goes through cmd.exe, its
 * arguments escaped as cross-spawn escapes them. Elsewhere the command is spawned as it was given:
 * the other profile tests run that branch for real.
 */
import { describe, expect, it } from 'vitest'
import { escapeArgument, findCommand, isNodeCommand, spawnPlan } from '../../src/cli/windows-command.js'

const NODE_DIR = 'C:\\Program Files\\nodejs'
const COMSPEC = 'C:\\WINDOWS\\system32\\cmd.exe'
/** A Windows machine's files, as findCommand sees them (a lookup names them with %PATHEXT%'s case). */
const files = new Set([
  `${NODE_DIR}\\node.exe`, `${NODE_DIR}\\npx`, `${NODE_DIR}\\npx.cmd`, `${NODE_DIR}\\npx.ps1`,
  'C:\\Users\\me\\AppData\\Roaming\\npm\\pnpm.cmd', 'C:\\proj\\node_modules\\.bin\\vite.cmd',
  'C:\\proj\\build.bat', 'C:\\tools\\git.exe', 'C:\\tools\\cli.js',
])
const windows = {
  env: { Path: `C:\\tools;"${NODE_DIR}";C:\\Users\\me\\AppData\\Roaming\\npm`, PATHEXT: '.COM;.EXE;.BAT;.CMD;.VBS;.JS', ComSpec: COMSPEC },
  cwd: 'C:\\proj',
  // Windows' names are case-insensitive: `npx` + `.CMD` is npx.cmd
  isFile: (path: string) => [...files].some(f => f.toLowerCase() === path.toLowerCase()),
}

describe('isNodeCommand', () => {
  it('POSIX: node by name or path, or this node; as before', () => {
    for (const command of ['node', '/usr/bin/node', './node', '/opt/node.exe', '/usr/local/bin/nodejs-x/node']) expect(isNodeCommand(command, 'linux', '/usr/bin/node')).toBe(true)
    for (const command of ['npx', '/usr/bin/nodemon', 'NODE', 'C:\\Program Files\\nodejs\\node.exe', 'node-gyp']) expect(isNodeCommand(command, 'linux', '/usr/bin/node')).toBe(false)
    expect(isNodeCommand('/home/me/.nvm/versions/node/v20.20.2/bin/node20', 'darwin', '/home/me/.nvm/versions/node/v20.20.2/bin/node20')).toBe(true)
  })

  it('Windows: a backslash path and node.exe in any case are node (they took the NODE_OPTIONS route)', () => {
    for (const command of ['node', 'node.exe', 'NODE.EXE', 'Node', `${NODE_DIR}\\node.exe`, `${NODE_DIR}\\node`, 'C:/nvm/v20/node.exe', '.\\node.exe']) expect(isNodeCommand(command, 'win32', `${NODE_DIR}\\node.exe`)).toBe(true)
    expect(isNodeCommand('c:\\program files\\NODEJS\\Node.exe', 'win32', `${NODE_DIR}\\node.exe`)).toBe(true)
    expect(isNodeCommand('C:\\nvm\\node20.exe', 'win32', 'C:\\nvm\\node20.exe')).toBe(true)
    for (const command of ['npx', 'npx.cmd', 'nodemon.cmd', `${NODE_DIR}\\node.cmd`, 'node-gyp.exe']) expect(isNodeCommand(command, 'win32', `${NODE_DIR}\\node.exe`)).toBe(false)
  })
})

describe('findCommand (Windows lookup)', () => {
  it('the cwd first, then each %PATH% dir (quotes taken off), each %PATHEXT% extension in order', () => {
    expect(findCommand('npx', windows)).toBe(`${NODE_DIR}\\npx.CMD`) // not the extensionless sh script beside it
    expect(findCommand('pnpm', windows)).toBe('C:\\Users\\me\\AppData\\Roaming\\npm\\pnpm.CMD')
    expect(findCommand('build', windows)).toBe('C:\\proj\\build.BAT')
    expect(findCommand('git', windows)).toBe('C:\\tools\\git.EXE')
    expect(findCommand('node', windows)).toBe(`${NODE_DIR}\\node.EXE`)
    expect(findCommand('nosuch', windows)).toBeUndefined()
  })

  it('a name with an extension is tried as it is first; a path is looked up there only', () => {
    expect(findCommand('npx.cmd', windows)).toBe(`${NODE_DIR}\\npx.cmd`)
    expect(findCommand('cli.js', windows)).toBe('C:\\tools\\cli.js')
    expect(findCommand('node_modules\\.bin\\vite', windows)).toBe('C:\\proj\\node_modules\\.bin\\vite.CMD')
    expect(findCommand('.\\node_modules/.bin/vite', windows)).toBe('C:\\proj\\node_modules\\.bin\\vite.CMD')
    expect(findCommand('bin\\npx', windows)).toBeUndefined()
  })

  it('PATH and PATHEXT by any case of their names; no PATHEXT: .COM;.EXE;.BAT;.CMD', () => {
    expect(findCommand('npx', { ...windows, env: { PATH: NODE_DIR } })).toBe(`${NODE_DIR}\\npx.CMD`)
    expect(findCommand('npx', { ...windows, env: { path: NODE_DIR, pathext: '.EXE' } })).toBeUndefined()
  })
})

describe('spawnPlan', () => {
  it('POSIX: the command as given, no lookup', () => {
    const never = () => { throw new Error('looked up') }
    expect(spawnPlan('npx', ['vite', 'build'], { ...windows, isFile: never }, 'linux')).toEqual({ file: 'npx', args: ['vite', 'build'] })
    expect(spawnPlan('node', ['--cpu-prof', 'x.js'], { ...windows, isFile: never }, 'darwin')).toEqual({ file: 'node', args: ['--cpu-prof', 'x.js'] })
  })

  it('Windows: an .exe (node) or a command not found is spawned as given (not found: ENOENT, exit 127)', () => {
    expect(spawnPlan('node', ['--cpu-prof', 'x.js'], windows, 'win32')).toEqual({ file: 'node', args: ['--cpu-prof', 'x.js'] })
    expect(spawnPlan('git', ['status'], windows, 'win32')).toEqual({ file: 'git', args: ['status'] })
    expect(spawnPlan('nosuch', ['a'], windows, 'win32')).toEqual({ file: 'nosuch', args: ['a'] })
  })

  it('Windows: a .cmd shim through %ComSpec% /d /s /c, its path and arguments escaped, verbatim', () => {
    expect(spawnPlan('npx', ['vite', 'build', '--mode', 'a b'], windows, 'win32')).toEqual({
      file: COMSPEC,
      args: ['/d', '/s', '/c', '"C:\\Program^ Files\\nodejs\\npx.CMD ^"vite^" ^"build^" ^"--mode^" ^"a^ b^""'],
      windowsVerbatimArguments: true,
    })
    // no ComSpec naming cmd.exe: cmd.exe
    expect(spawnPlan('build', [], { ...windows, env: { ...windows.env, ComSpec: 'C:\\evil\\sh.exe' } }, 'win32')).toEqual({ file: 'cmd.exe', args: ['/d', '/s', '/c', '"C:\\proj\\build.BAT"'], windowsVerbatimArguments: true })
  })

  it("Windows: a shim in node_modules\\.bin gets its arguments' meta characters escaped twice (it passes them through cmd.exe again)", () => {
    expect(spawnPlan('node_modules\\.bin\\vite', ['a&b'], windows, 'win32').args[3]).toBe('"C:\\proj\\node_modules\\.bin\\vite.CMD ^^^"a^^^&b^^^""')
  })
})

describe('escapeArgument (cmd.exe, then the program\'s own parsing)', () => {
  it('quoted; meta characters (the quotes too) after a ^', () => {
    expect(escapeArgument('plain')).toBe('^"plain^"')
    expect(escapeArgument('')).toBe('^"^"')
    expect(escapeArgument('a|b>c<d&e')).toBe('^"a^|b^>c^<d^&e^"')
    expect(escapeArgument('%PATH%!x!')).toBe('^"^%PATH^%^!x^!^"')
    expect(escapeArgument('(a),[b];c')).toBe('^"^(a^)^,^[b^]^;c^"')
  })

  it('a quote escaped, the backslashes before it (or before the closing quote) doubled; others kept', () => {
    expect(escapeArgument('say "hi"')).toBe('^"say^ \\^"hi\\^"^"')
    expect(escapeArgument('a\\"b')).toBe('^"a\\\\\\^"b^"')
    expect(escapeArgument('C:\\dir\\')).toBe('^"C:\\dir\\\\^"')
    expect(escapeArgument('C:\\dir\\x')).toBe('^"C:\\dir\\x^"')
  })
})
