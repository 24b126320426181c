/**
 * Files a command writes where an option says (`report --html FILE`, `bench --export-json FILE`),
 * relative to `--cwd` as every path of the CLI is (`git -C`): missing directories are made, and a path that cannot be written (a directory, no permission) is
 * bad usage (exit 2) naming the option and the file, not a raw ENOENT/EISDIR with exit 1.
 */
import { accessSync, constants, statSync, writeFileSync } from 'node:fs'
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
  const path = resolve(cwd ?? '', file)
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
  const path = checkOutFile(option, file, cwd)
  try {
    writeFileSync(path, data)
  } catch (error) {
    throw new UsageError(`${option} ${path}: cannot be written: ${reason(error, path)}`)
  }
  return path
}
