/**
 * read-regular-file.ts's error for a path that is no regular file. Error paths only: a deferred module
 * (scripts/build.mjs).
 */

/** An error as read's own (code, syscall, path): EISDIR for a directory, else E_NOT_A_FILE. */
export function notAFile(path: string, directory: boolean): NodeJS.ErrnoException {
  const code = directory ? 'EISDIR' : 'E_NOT_A_FILE'
  return Object.assign(new Error(`${code}: ${directory ? 'illegal operation on a directory' : 'not a regular file (a FIFO, a socket or a device)'}, read '${path}'`), { code, syscall: 'read', path })
}
