/**
 * Files a command writes where an option says (`report --html FILE`, `bench --export-json FILE`),
 * relative to `--cwd` as every path of the CLI is (`git -C`): missing directories are made, and a path that cannot be written (a directory, no permission) is
 * bad usage (exit 2) naming the option and the file, not a raw ENOENT/EISDIR with exit 1. `-` is
 * stdout, as hyperfine's `--export-markdown -` (its #615): the text is kept and printed once the
 * command's own output is done (its #640), by flushStdoutExports().
 *
 * Written as a shell redirect writes (`> FILE`): a new file gets the umask's mode, an existing one is
 * rewritten in place (its mode and owner kept), a symlink at FILE is followed, but only one the user
 * (or root) made into a directory the user (or root) owns: one another user made, or one leading into
 * another user's directory, is refused (a link planted in a shared dir such as /tmp, which the kernel's
 * fs.protected_symlinks stops on Linux alone, or one that makes root write into a user's dir).
 */
import { accessSync, constants, lstatSync, readlinkSync, realpathSync, statSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { whyUnwritable } from '../drivers/fs-unwritable.js'
import { makeDirSync } from '../runtime/make-dir.js'
import { errorMessage, UsageError } from '../errors.js'

function reason(error: unknown, path: string): string {
  // a read-only fs, one that takes no new dirs (/sys, /proc) or a dir not ours, naming the dir that refuses
  const why = whyUnwritable(dirname(path), error)
  if (why) return why.reason
  const code = (error as NodeJS.ErrnoException).code
  return code === 'EISDIR' ? 'it is a directory (a file path is expected)'
    : code === 'ENOTDIR' ? 'a parent of it is not a directory'
      : code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'permission denied'
        : errorMessage(error)
}

/**
 * Checks, before any work, that `file` can be written: its directory made if missing and writable,
 * the path itself not a directory. Returns the absolute path.
 */
export function checkOutFile(option: string, file: string, cwd: string | undefined): string {
  if (file === STDOUT) return STDOUT
  const path = resolve(cwd ?? '', file)
  const untrusted = untrustedLink(path)
  if (untrusted) throw new UsageError(`${option} ${path}: not written: ${untrusted}; remove the link, or give the path you mean`)
  try {
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' })
    makeDirSync(dirname(path))
    accessSync(dirname(path), constants.W_OK)
  } catch (error) {
    throw new UsageError(`${option} ${path}: cannot be written: ${reason(error, path)}`)
  }
  return path
}

/** Writes `data` to `file` (directories made), or throws a UsageError naming the option. Returns the absolute path. */
export function writeOutFile(option: string, file: string, data: string, cwd: string | undefined): string {
  if (file === STDOUT) {
    stdoutExports.push(data.endsWith('\n') ? data : `${data}\n`)
    return STDOUT
  }
  const path = checkOutFile(option, file, cwd)
  try {
    writeFileSync(path, data)
  } catch (error) {
    throw new UsageError(`${option} ${path}: cannot be written: ${reason(error, path)}`)
  }
  return path
}

/**
 * Why a symlink at `path` is not to be written through (see the top), or undefined: no symlink, or
 * one of the user's (or root's) into a directory of theirs. POSIX only (Windows has no uids here).
 */
function untrustedLink(path: string): string | undefined {
  const uid = process.getuid?.()
  if (uid === undefined) return undefined
  const link = lstatSync(path, { throwIfNoEntry: false })
  if (!link?.isSymbolicLink()) return undefined
  const trusted = (owner: number) => owner === uid || owner === 0
  if (!trusted(link.uid)) return `it is a symlink another user (uid ${link.uid}) made`
  let target: string
  try {
    target = realpathSync(path)
  } catch {
    // dangling: writing creates its target, one hop away
    target = resolve(dirname(path), readlinkSync(path))
  }
  const dir = statSync(dirname(target), { throwIfNoEntry: false })
  if (dir && !trusted(dir.uid)) return `it is a symlink to ${target}, in a directory another user (uid ${dir.uid}) owns`
  return undefined
}

/** The file name that means stdout. */
export const STDOUT = '-'

const stdoutExports: string[] = []

/** Prints what was written to `-`, after the command's own output (once: the list is emptied). */
export function flushStdoutExports(): void {
  for (const text of stdoutExports.splice(0)) process.stdout.write(text)
}

/** `-` asked for where stdout carries `--json`'s one document: bad usage, naming the option. */
export function refuseStdoutWithJson(options: Record<string, unknown>, json: unknown): void {
  if (!json) return
  const option = Object.keys(options).find(name => options[name] === STDOUT)
  if (option) throw new UsageError(`--${option} -: stdout carries the --json document; give a file path (or leave out --json)`)
}
