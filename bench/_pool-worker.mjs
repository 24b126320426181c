// Worker entry for bench/pool.mjs (tinypool vs piscina): a small CPU task.
export default function square(n) {
  let x = 0
  for (let i = 0; i < 1000; i++) x += (n * i) % 7
  return x + n * n
}
