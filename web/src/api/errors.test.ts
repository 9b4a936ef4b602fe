import { describe, expect, it } from 'vitest';
import { ApiError } from './client';
import { describeError, fieldError } from './errors';

describe('describeError', () => {
  it('names the missing permission in words', () => {
    const view = describeError(new ApiError(403, 'permission_denied', 'missing permission: invite_member'));
    expect(view.title).toBe('You do not have permission');
    expect(view.message).toBe('Your role does not allow this (invite member). Ask an owner or admin.');
  });

  it('tells a stale CSRF token apart from a role', () => {
    const view = describeError(new ApiError(403, 'permission_denied', 'missing permission: csrf'));
    expect(view.message).toMatch(/reload the page/);
  });

  it('gives every detail its line and column', () => {
    const view = describeError(
      new ApiError(422, 'invalid_request', 'the CSV has problems', [
        { message: 'not an email address', line: 3, column: 1 },
        { field: 'name', message: 'must not be empty' },
      ]),
    );
    expect(view.title).toBe('Some values need fixing');
    expect(view.details).toEqual(['Line 3, column 1: not an email address', 'name: must not be empty']);
  });

  it('says when to retry after a lockout', () => {
    const view = describeError(new ApiError(429, 'rate_limited', 'too many failed logins.', [], 12));
    expect(view.title).toBe('Too many attempts');
    expect(view.message).toBe('too many failed logins. Try again in 12 s.');
  });

  it('explains an unreachable server and unknown codes', () => {
    expect(describeError(new ApiError(0, 'network', '')).title).toBe('No connection');
    expect(describeError(new ApiError(418, 'teapot', 'short and stout')).title).toBe('Error 418');
  });

  it('finds the message of one field', () => {
    const error = new ApiError(422, 'invalid_request', 'bad', [{ field: 'email', message: 'is taken' }]);
    expect(fieldError(error, 'email')).toBe('is taken');
    expect(fieldError(error, 'password')).toBeUndefined();
  });
});
