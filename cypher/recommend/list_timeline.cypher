// The timeline: posts of the people the user follows, newest first, keyset-paginated on
// (created_at, id): only rows strictly after the previous page's last ($before_at, $before_id).
// The filter sits in a WITH on purpose: in the MATCH's WHERE, FalkorDB 4.16 drops the OR
// when it is ANDed with `removed_at IS NULL` and Post.created_at is indexed.
MATCH (u:User {id: $user_id})-[:FOLLOWS]->(:User)-[:POSTED]->(p:Post)
WITH p
WHERE p.removed_at IS NULL
  AND (p.created_at < $before_at OR (p.created_at = $before_at AND p.id < $before_id))
RETURN p.id AS id, p.created_at AS created_at
ORDER BY created_at DESC, id DESC
LIMIT $first
