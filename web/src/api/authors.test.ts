import { describe, expect, it } from 'vitest';
import { authorId, authorLabel } from './authors';

describe('authorLabel', () => {
  it('shows @handle when the handle is known', () => {
    expect(authorLabel({ author_did: 'did:plc:abc', author_handle: 'alice.test' })).toBe('@alice.test');
  });
  it('shows the bare DID while the handle is unknown (null, missing or empty)', () => {
    expect(authorLabel({ author_did: 'did:plc:abc', author_handle: null })).toBe('did:plc:abc');
    expect(authorLabel({ author_did: 'did:plc:abc' })).toBe('did:plc:abc');
    expect(authorLabel({ author_did: 'did:plc:abc', author_handle: '' })).toBe('did:plc:abc');
  });
  it('links by handle when known, else by DID', () => {
    expect(authorId({ author_did: 'did:plc:abc', author_handle: 'alice.test' })).toBe('alice.test');
    expect(authorId({ author_did: 'did:plc:abc', author_handle: null })).toBe('did:plc:abc');
  });
});
