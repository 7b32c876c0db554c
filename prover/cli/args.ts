import { LifeboatError } from "../errors";

/** A command-line mistake: printed with the command's usage, exit code 2. */
export class UsageError extends LifeboatError {
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
    this.name = "UsageError";
  }
}
