/** Two well-formed image digests, for merge-digests and pushed indexes. */
export const DIGEST_A = `sha256:${'a'.repeat(64)}`
export const DIGEST_B = `sha256:${'b'.repeat(64)}`
