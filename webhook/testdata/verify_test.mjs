// SPDX-License-Identifier: Apache-2.0
//
// Runs verify.mjs on the test vectors shared with the Go tests.
import { readFileSync } from "node:fs";
import { verify } from "./verify.mjs";

const vectors = JSON.parse(readFileSync(process.argv[2], "utf8"));
let failed = 0;
for (const v of vectors) {
  const got = verify(v.header, Buffer.from(v.body), v.secrets, v.tolerance_seconds, v.now_unix);
  if (got !== v.valid) {
    console.error(`${v.name}: got ${got}, want ${v.valid}`);
    failed++;
  }
}
if (failed) process.exit(1);
console.log(`ok ${vectors.length} vectors`);
