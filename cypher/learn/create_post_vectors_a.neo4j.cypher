// The vector index of Post slot a (cosine - Neo4j >= 5.11).
CREATE VECTOR INDEX post_embedding_a IF NOT EXISTS
FOR (p:Post) ON (p.embedding_a)
OPTIONS {indexConfig: {`vector.dimensions`: $dimension, `vector.similarity_function`: 'cosine'}}
