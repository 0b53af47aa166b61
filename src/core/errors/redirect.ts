/**
 * Thrown to answer with a temporary redirect (a moved repository's old id). The HF filter turns
 * it into 307 + Location, which huggingface_hub and git follow, keeping the method and body.
 */
export class RepoRedirect extends Error {
  constructor(readonly location: string) {
    super(`moved to ${location}`);
  }
}
