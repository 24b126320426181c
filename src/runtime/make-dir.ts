/**
 * Every dir unperf makes (cache tiers, scopes, reports, run and test history, config snapshots,
 * jiti's cache, files named by an option) is made here, not by Node's recursive mkdir: on a file
 * system that answers a mkdir of a new dir with ENOENT although its parent exists (procfs:
 * `XDG_CACHE_HOME=/proc/foo`), Node 20's `mkdirSync(dir, { recursive: true })` and its async form
 * loop for ever at 100 % CPU (ENOENT → make the parent → EEXIST → the dir again → ENOENT ...), so
 * every run of a host CLI hung. Here each missing component is made once, top down: such a file
 * system fails at once, with the ENOENT of the first dir it refused (whyUnwritable in
 * drivers/fs-unwritable.ts says what it is).
 *
 * The common case (the dir is there) costs one stat, where Node's recursive mkdir made two calls
 * (mkdir, EEXIST, stat).
 */
import { statSync } from 'node:fs'
import { makeMissingDirs } from './make-missing-dirs.js'

/**
 * Makes `dir` and its missing parents (`mode`, filtered by the umask as mkdir's is). Returns the
 * first dir it made, undefined when `dir` was there (as Node's recursive mkdir does). Throws the
 * system's error of the first component that could not be made: EEXIST when `dir` (or a parent:
 * ENOTDIR) is a file, ENOENT when a file system refused a new dir under an existing one.
 * The dir is there on all but a first run: making it is make-missing-dirs.ts, a deferred module.
 */
export function makeDirSync(dir: string, mode = 0o777): string | undefined {
  return statSync(dir, { throwIfNoEntry: false })?.isDirectory() ? undefined : makeMissingDirs(dir, mode)
}
