/** Awaits a promise that must reject, and checks the error's message. */
export async function expectRejection(promise: Promise<unknown>, pattern: RegExp): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    const message = (error as Error).message;
    if (!pattern.test(message)) throw new Error(`rejected with ${JSON.stringify(message)}, which does not match ${pattern}`, { cause: error });
    return error as Error;
  }
  throw new Error(`expected a rejection matching ${pattern}, but the promise resolved`);
}
