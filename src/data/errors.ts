/**
 * A problem with the training data (a missing or empty file, a bad JSONL line, a corpus too small
 * for the context), raised before any training starts. The message names the file (and line)
 * and says what to do.
 */
export class DataError extends Error {
  override readonly name = 'DataError';
}
