import { AccordApiError } from '@accord/client';

/** Awaits a call that must fail with an API error, and returns that error. */
export async function apiError(promise: Promise<unknown>): Promise<AccordApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AccordApiError) return error;
    throw error;
  }
  throw new Error('expected the API to answer with an error');
}

/** The errno of `kill(pid, 0)`: undefined while the process exists, 'ESRCH' once it is gone. */
export function probeProcess(pid: number): string | undefined {
  try {
    process.kill(pid, 0);
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code;
  }
}
