// Dropped only when the embedding dimension changes.
DROP INDEX post_embedding_a IF EXISTS
