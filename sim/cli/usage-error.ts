/**
 * A bad flag or argument: the CLI prints the message (which names the flag) and exits with code 2.
 * Throw it from a yargs `.check`, whose errors otherwise reach `.fail` looking like internal errors.
 */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
