// Keys never reach messages, logs or records: every text this package builds from a server's
// answer or an error passes through the redactor of the key in use.

/** A function that replaces every occurrence of `secret` with '[redacted]'. */
export function redactor(secret: string | undefined): (text: string) => string {
  if (secret === undefined || secret.length < 4) {
    return (text) => text;
  }
  return (text) => text.split(secret).join('[redacted]');
}
