// Like model: one author's counts, as list_like_authors reads them for training (no row:
// no such user; posts_count falls back to the posts the graph holds).
MATCH (u:User {id: $user_id})
OPTIONAL MATCH (u)-[:POSTED]->(p:Post)
WHERE p.removed_at IS NULL
WITH u, count(p) AS posted
RETURN u.id AS user_id, u.followers AS followers, u.following AS following,
       coalesce(u.media_count, posted) AS posts_count, u.verified AS is_verified,
       u.business AS is_business
