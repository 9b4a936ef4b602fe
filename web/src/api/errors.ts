import { ApiError } from './client';

// What the user reads when a call fails: a title saying what kind of failure it is, the
// server's own sentence (it names the field, the permission or the limit), and one line per
// detail ("Line 3, column 1: ...").
interface ErrorView {
  title: string;
  message: string;
  details: string[];
}

const titles: Record<string, string> = {
  invalid_request: 'Some values need fixing',
  malformed_json: 'The request could not be read',
  malformed_http: 'The request could not be read',
  unauthenticated: 'You are not signed in',
  totp_required: 'Enter your two-factor code',
  permission_denied: 'You do not have permission',
  not_found: 'Not found',
  method_not_allowed: 'This action is not available',
  conflict: 'This conflicts with what exists',
  payload_too_large: 'That is too large',
  headers_too_large: 'The request is too large',
  request_timeout: 'The request took too long',
  rate_limited: 'Too many attempts',
  unsupported_media_type: 'Unsupported file type',
  unavailable: 'The server is unavailable',
  database_error: 'The server could not save this',
  schema_too_new: 'The server needs an upgrade',
  configuration_error: 'The server is misconfigured',
  crypto_error: 'The server could not secure this',
  internal: 'Something went wrong on the server',
  seat_limit_reached: 'No seats left on the plan',
  invitation_expired: 'This invitation has expired',
  network: 'No connection',
  profile_limit_reached: 'The plan has no profile left',
  profile_credentials_rejected: 'The network refused these credentials',
  confirmation_required: 'Confirm the accounts first',
  duplicate_post: 'This looks like a duplicate',
};

const permissionNames: Record<string, string> = {
  csrf: 'Your session token is out of date: reload the page.',
};

export function describeDetail(detail: { field?: string; message: string; line?: number; column?: number }): string {
  const where: string[] = [];
  if (detail.line !== undefined) where.push(`Line ${detail.line}`);
  if (detail.column !== undefined) where.push(`column ${detail.column}`);
  if (where.length === 0 && detail.field) where.push(detail.field);
  return where.length > 0 ? `${where.join(', ')}: ${detail.message}` : detail.message;
}

export function describeError(error: unknown): ErrorView {
  if (!(error instanceof ApiError)) {
    const message = error instanceof Error ? error.message : String(error);
    return { title: 'Something went wrong', message, details: [] };
  }
  const title = titles[error.code] ?? `Error ${error.status}`;
  let message = error.message;
  if (error.code === 'permission_denied') {
    const missing = /missing permission: (\w+)/.exec(error.message)?.[1];
    if (missing && permissionNames[missing]) message = permissionNames[missing];
    else if (missing) message = `Your role does not allow this (${missing.replaceAll('_', ' ')}). Ask an owner or admin.`;
  } else if (error.code === 'rate_limited' && error.retryAfterSeconds) {
    message = `${error.message} Try again in ${error.retryAfterSeconds} s.`;
  } else if (error.code === 'network') {
    message = 'The server could not be reached. Check your connection and try again.';
  }
  return { title, message, details: error.details.map(describeDetail) };
}

// The message of one field's detail, for the form control that names it.
export function fieldError(error: unknown, field: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  return error.details.find((detail) => detail.field === field)?.message;
}
