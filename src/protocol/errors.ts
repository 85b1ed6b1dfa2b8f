/**
 * An error a service answers with. Services throw (or return) these; the
 * protocol layer serializes them in the request's wire format.
 */
export class AwsError extends Error {
  constructor(
    /** Short code, e.g. "ResourceNotFoundException" (the `__type`). */
    readonly code: string,
    message: string,
    readonly status: number = 400,
    /** SerializationException spells its member `Message`. */
    readonly messageKey: 'message' | 'Message' = 'message',
  ) {
    super(message);
    this.name = code;
  }
}

export const serializationError = (message: string): AwsError =>
  new AwsError('SerializationException', message, 400, 'Message');

export const internalFailure = (): AwsError => new AwsError('InternalFailure', 'Internal service error', 500);

export const isAwsError = (e: unknown): e is AwsError => e instanceof AwsError;
