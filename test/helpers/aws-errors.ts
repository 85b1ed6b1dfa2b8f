import assert from 'node:assert/strict';

/**
 * Asserts that an AWS SDK call fails with the named error, its message (exact,
 * or matching a pattern) and, when given, the HTTP status.
 */
export async function rejectsWith(call: Promise<unknown>, name: string, message?: string | RegExp, status?: number): Promise<void> {
  await assert.rejects(call, (e: Error & { $metadata?: { httpStatusCode?: number } }) => {
    assert.equal(e.name, name, e.message);
    if (typeof message === 'string') assert.equal(e.message, message);
    else if (message) assert.match(e.message, message);
    if (status !== undefined) assert.equal(e.$metadata?.httpStatusCode, status);
    return true;
  });
}
