// No other imports: the Worker uses this too (checkpoint hashes, token hashes).

/** SHA-256 of `bytes` as lowercase hex (WebCrypto: browsers and Node alike). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  // WebCrypto takes only ArrayBuffer-backed views; copy the rare shared one.
  const input = bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
  const digest = await crypto.subtle.digest('SHA-256', input);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
