/** An error raised by block code breaking the contract at run time (bad shape, undeclared child...). */
export class GabError extends Error {
  override readonly name = 'GabError';
}
