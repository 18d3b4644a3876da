// Parse-only throughput of postal-mime over the files named on the command line.
// Usage: node parse.mjs ROUNDS FILE...   Prints one JSON line.
import { readFileSync } from "node:fs";
import PostalMime from "postal-mime";

const [rounds, ...files] = process.argv.slice(2);
const messages = files.map((file) => readFileSync(file));
const bytes = messages.reduce((sum, m) => sum + m.length, 0);

for (const message of messages) await PostalMime.parse(message); // warm-up round (JIT)

const timings = [];
const started = performance.now();
for (let round = 0; round < Number(rounds); round++) {
  for (const message of messages) {
    const t0 = performance.now();
    await PostalMime.parse(message);
    timings.push(performance.now() - t0);
  }
}
const seconds = (performance.now() - started) / 1000;
timings.sort((a, b) => a - b);
console.log(JSON.stringify({
  messages: timings.length,
  msgs_per_s: timings.length / seconds,
  mb_per_s: (bytes * Number(rounds)) / 1e6 / seconds,
  p50_ms: timings[Math.floor(timings.length / 2)],
  p99_ms: timings[Math.min(timings.length - 1, Math.floor(timings.length * 0.99))],
}));
