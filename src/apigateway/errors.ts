/**
 * Control-plane errors (import, deploy), shaped like API Gateway's REST-JSON
 * errors so a management API can return them as they are.
 */
export type ControlPlaneErrorType =
  | 'BadRequestException'
  | 'NotFoundException'
  | 'ConflictException'
  | 'LimitExceededException';

const STATUS: Record<ControlPlaneErrorType, number> = {
  BadRequestException: 400,
  NotFoundException: 404,
  ConflictException: 409,
  LimitExceededException: 429,
};

export class ApiGatewayError extends Error {
  readonly status: number;
  constructor(
    readonly type: ControlPlaneErrorType,
    message: string,
    /** Extra detail lines (AWS lists import problems as "warnings"/"errors"). */
    readonly details: readonly string[] = [],
  ) {
    super(message);
    this.name = type;
    this.status = STATUS[type];
  }
}

export function badRequest(message: string, details: readonly string[] = []): ApiGatewayError {
  return new ApiGatewayError('BadRequestException', message, details);
}

export function notFound(message: string): ApiGatewayError {
  return new ApiGatewayError('NotFoundException', message);
}

export function conflict(message: string): ApiGatewayError {
  return new ApiGatewayError('ConflictException', message);
}

/** AWS's ConflictException message when another change to the same thing won (also CreateAuthorizer on an unknown API). */
export const CONCURRENT_MODIFICATION = 'Unable to complete operation due to concurrent modification. Please try again later.';
