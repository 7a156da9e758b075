import type { Sha256 } from "../../domain/ports/sha256.ts";

/** Bun's native SHA-256 (BoringSSL), one-shot: half the time of a hasher object per digest. */
export const sha256: Sha256 = (text) => Bun.CryptoHasher.hash("sha256", text);
