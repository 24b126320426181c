/**
 * A command the CLI runs itself, not through a shell (`unperf profile -- <cmd...>`), as Windows
 * needs it started. Windows finds a program by the extensions in %PATHEXT%, but node's spawn() looks
 * for `.com` and `.exe` only, and since node's fix of CVE-2024-27980 it refuses to start a `.cmd` or
 * `.bat` without a shell (EINVAL): `npx`, `pnpm` and `yarn` are `.cmd` shims there. So, as
 * cross-spawn does: the command is looked up in the cwd then %PATH% with %PATHEXT%, and one that is
 * no `.com`/`.exe` runs through `cmd.exe /d /s /c "<line>"`, its name and arguments escaped for
 * cmd.exe (`^` before its meta characters) and for the program's own command-line parsing (quotes).
 * Elsewhere the command is spawned as it was given. Read, not run: no Windows machine runs the tests;
 * the choices are tested as pure functions.
 */
import { statSync } from 'node:fs'
import { win32 } from 'node:path'
import { shellCommand } from './child-group.js'

/** Whether `command` is node itself, which takes the profiler's flags as its own arguments (not through NODE_OPTIONS). */
export function isNodeCommand(command: string, platform: NodeJS.Platform = process.platform, execPath = process.execPath): boolean {
  if (platform !== 'win32') return /(^|\/)node(\.exe)?$/.test(command) || command === execPath
  // `node`, `node.exe`, `C:\Program Files\nodejs\node.exe`, `NODE.EXE`: Windows names are case-insensitive, either slash a separator
  return /(^|[\\/])node(\.exe)?$/i.test(command) || command.toLowerCase() === execPath.toLowerCase()
}

/** What spawn() gets: the file, its arguments, and the options they need (windowsVerbatimArguments for cmd.exe). */
export interface SpawnPlan { file: string; args: string[]; windowsVerbatimArguments?: true }

export interface LookupEnv {
  /** The command's environment (its PATH, PATHEXT and ComSpec; Windows matches their names in any case). */
  env: NodeJS.ProcessEnv
  /** The dir the command runs in: looked in first, as cmd.exe does, and what a relative path is taken from. */
  cwd: string
  /** Whether `path` is a file (tests give a set of Windows paths). */
  isFile?: (path: string) => boolean
}

/**
 * How to spawn `command` with `args` (no shell) on `platform`: elsewhere than Windows as given; on
 * Windows a `.cmd`/`.bat` (or any extension but .com and .exe) through cmd.exe, escaped; a command
 * not found as given (spawn's ENOENT: "command not found").
 */
export function spawnPlan(command: string, args: readonly string[], where: LookupEnv, platform: NodeJS.Platform = process.platform): SpawnPlan {
  if (platform !== 'win32') return { file: command, args: [...args] }
  const found = findCommand(command, where)
  if (found === undefined || /\.(?:com|exe)$/i.test(found)) return { file: command, args: [...args] }
  // npm's .cmd shims in node_modules\.bin pass their arguments through cmd.exe once more
  const twice = /node_modules[\\/]\.bin[\\/][^\\/]+\.cmd$/i.test(found)
  const line = [escapeCommand(win32.normalize(found)), ...args.map(arg => escapeArgument(arg, twice))].join(' ')
  const shell = shellCommand(line, 'win32', envValue(where.env, 'ComSpec'))
  return { file: shell.file, args: shell.args, windowsVerbatimArguments: true }
}

/** The file `command` names on Windows: the cwd, then each %PATH% dir, each with every %PATHEXT% extension (and none, when it has one). */
export function findCommand(command: string, { env, cwd, isFile = isFileOnDisk }: LookupEnv): string | undefined {
  const exts = (envValue(env, 'PATHEXT') ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean)
  // a name with an extension is tried as it is first (`npx.cmd`, `build.js`)
  const tries = (base: string) => [...(/\.[^\\/.]+$/.test(command) ? [base] : []), ...exts.map(ext => base + ext)]
  // a path (`.\bin\cli`, `C:\tools\x`) is looked up there only
  const dirs = /[\\/]/.test(command) ? [''] : [cwd, ...(envValue(env, 'PATH') ?? '').split(';').map(d => d.replace(/^"(.*)"$/, '$1')).filter(Boolean)]
  for (const dir of dirs) {
    for (const file of tries(win32.resolve(cwd, dir, command))) if (isFile(file)) return file
  }
  return undefined
}

/** cmd.exe's meta characters, each taken literally after a `^`. */
const META = /([()\][%!^"`<>&|;, *?])/g

function escapeCommand(file: string): string {
  return file.replace(META, '^$1')
}

/**
 * An argument as the program gets it back: quoted for the C runtime's parsing (backslashes before
 * a quote, or before the closing quote, doubled; a quote escaped), then every cmd.exe meta character
 * (the quotes included) escaped with `^`, twice for a .cmd shim that passes it through cmd.exe again.
 */
export function escapeArgument(arg: string, twice = false): string {
  let quoted = `"${arg.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\*)$/, '$1$1')}"`
  quoted = quoted.replace(META, '^$1')
  return twice ? quoted.replace(META, '^$1') : quoted
}

/** An environment variable of a Windows environment, whose names are case-insensitive (`Path`, `PATH`). */
function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const key = Object.keys(env).find(k => k.toUpperCase() === name.toUpperCase())
  return key === undefined ? undefined : env[key]
}

function isFileOnDisk(path: string): boolean {
  try { return statSync(path).isFile() } catch { return false }
}
