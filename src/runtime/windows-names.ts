/**
 * A Windows device name (`con`, `nul`, `aux.txt`, `com1.cli`: the part before the first dot), in
 * lowercase as the names checked against it are: a file or dir of that name opens the device, or
 * is made through `\\?\` paths and Explorer cannot remove it. Cache keys' file names
 * (drivers/fs-names.ts) and the cache's and reports' dir names (project.ts safeDirName) avoid it.
 */
export const WINDOWS_DEVICE_NAME = /^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/
