import type { Sha256 } from "../../domain/ports/sha256.ts";

/** Bun's native SHA-256 (BoringSSL). */
export const sha256: Sha256 = (text) => new Bun.CryptoHasher("sha256").update(text).digest();
