// Like model: the author's posts with a like count, the history a new post's features
// are drawn from (the feature code keeps those taken strictly before the new post).
MATCH (u:User {id: $user_id})-[:POSTED]->(p:Post)
WHERE p.removed_at IS NULL AND p.likes IS NOT NULL AND p.created_at IS NOT NULL
RETURN p.id AS post_id, u.id AS user_id, p.created_at AS taken_at, p.likes AS likes,
       p.media_type AS media_type
ORDER BY taken_at, post_id
