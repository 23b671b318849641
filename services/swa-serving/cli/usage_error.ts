/** A command line the CLI cannot run (unknown command, bad flag, missing argument): exit 2. */
export class UsageError extends Error {
  override name = "UsageError";
}
