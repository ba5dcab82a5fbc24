/** Saves bytes as a file through the browser's download (no server involved). */
export function downloadBytes(bytes: Uint8Array, filename: string, type = 'application/octet-stream'): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  // The download holds its own reference once started; ours can go a little later.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
