/** Why a safetensors file could not be read or written; `message` says where and what. */
export type SafetensorsErrorCode =
  | 'too-short' // fewer than the 8 bytes of the header length
  | 'header-too-large' // header length over the limit (a corrupt or hostile file)
  | 'header-out-of-bounds' // header length runs past the end of the file
  | 'header-not-utf8'
  | 'header-not-json'
  | 'header-not-object'
  | 'duplicate-name' // a key repeated in the header (JSON.parse would silently keep the last)
  | 'bad-metadata' // __metadata__ not an object of strings
  | 'bad-tensor' // a tensor entry that is not an object, or a tensor we were asked to write that is inconsistent
  | 'unknown-dtype'
  | 'bad-shape' // shape not an array of non-negative integers
  | 'bad-offsets' // data_offsets not two integers 0 <= begin <= end
  | 'offsets-out-of-bounds' // end past the data section
  | 'size-mismatch' // end - begin != product(shape) * dtype size
  | 'overlapping' // two tensors share bytes
  | 'data-not-covered' // a gap between tensors, or bytes after the last one
  | 'big-endian'; // this machine is big-endian (the format is little-endian)

export class SafetensorsError extends Error {
  constructor(
    readonly code: SafetensorsErrorCode,
    message: string,
  ) {
    super(`safetensors: ${message}`);
    this.name = 'SafetensorsError';
  }
}
