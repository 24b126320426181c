/**
 * With `--json`, stdout holds unperf's JSON alone. Code unperf runs in its own process writes there
 * too: a perf.config's top level (`console.log` while debugging it), a plugin's module (`doctor`
 * imports them), a plugin's setup or hooks (`monitor`); that text came before the document, so
 * `unperf doctor --json | jq` failed. With `--json`, everything written to stdout goes to stderr
 * (where a `--json` command's messages are), and the JSON is written through {@link writeJson}.
 */
const stdoutWrite = process.stdout.write.bind(process.stdout)

/** From now on, a write to `process.stdout` (`console.log` included) goes to stderr. */
export function keepStdoutForJson(): void {
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write
}

/** The JSON output (a document, or one of monitor's JSON lines), on the real stdout. */
export function writeJson(text: string): void {
  stdoutWrite(text)
}
