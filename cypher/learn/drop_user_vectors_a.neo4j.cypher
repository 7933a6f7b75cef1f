// Dropped only when the embedding dimension changes.
DROP INDEX user_embedding_a IF EXISTS
