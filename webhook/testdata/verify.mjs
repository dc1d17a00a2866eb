// SPDX-License-Identifier: Apache-2.0
//
// Verifying a Vouch (Persona-compatible) webhook in Node, with no
// dependencies. Pass the raw request body (a Buffer or string, before any
// JSON parsing), the Persona-Signature header and your secrets (two during
// a rotation).
import { createHmac, timingSafeEqual } from "node:crypto";

export function verify(header, rawBody, secrets, toleranceSeconds = 300, nowSeconds = Date.now() / 1000) {
  for (const group of (header || "").split(" ").filter(Boolean)) {
    const parts = Object.fromEntries(group.split(",").map((kv) => kv.split("=", 2)));
    const t = Number(parts.t);
    if (!/^\d+$/.test(parts.t || "") || !parts.v1) continue;
    if (toleranceSeconds > 0 && Math.abs(nowSeconds - t) > toleranceSeconds) continue;
    for (const secret of secrets) {
      const want = createHmac("sha256", secret).update(`${parts.t}.`).update(rawBody).digest();
      const got = Buffer.from(parts.v1, "hex");
      if (got.length === want.length && timingSafeEqual(got, want)) return true;
    }
  }
  return false;
}
