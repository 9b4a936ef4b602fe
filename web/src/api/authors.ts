// How an author is shown (ADR 0032): "@handle" once the server knows the handle (its cache
// of authors' handles, filled in the background), the DID until then — never "@did:…".
export function authorLabel(author: { author_did: string; author_handle?: string | null }): string {
  return author.author_handle ? `@${author.author_handle}` : author.author_did;
}

// The handle when known, else the DID: what a profile link or a template's {author_handle}
// takes.
export function authorId(author: { author_did: string; author_handle?: string | null }): string {
  return author.author_handle || author.author_did;
}
