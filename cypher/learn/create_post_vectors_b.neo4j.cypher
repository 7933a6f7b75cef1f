// The vector index of Post slot b (cosine - Neo4j >= 5.11).
CREATE VECTOR INDEX post_embedding_b IF NOT EXISTS
FOR (p:Post) ON (p.embedding_b)
OPTIONS {indexConfig: {`vector.dimensions`: $dimension, `vector.similarity_function`: 'cosine'}}
