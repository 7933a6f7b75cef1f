UNWIND $ids AS id
MATCH (u:User {id: id})-[:POSTED]->(p:Post)
WHERE p.removed_at IS NULL
WITH id, p
ORDER BY p.created_at DESC, p.id
WITH id, collect(p.id) AS posts
RETURN id, posts[0..$limit] AS posts
