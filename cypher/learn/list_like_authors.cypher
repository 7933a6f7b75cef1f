// Like model: every author with their counts as last imported (posts_count falls back
// to the posts the graph holds).
MATCH (u:User)-[:POSTED]->(p:Post)
WHERE p.removed_at IS NULL
WITH u, count(p) AS posted
RETURN u.id AS user_id, u.followers AS followers, u.following AS following,
       coalesce(u.media_count, posted) AS posts_count, u.verified AS is_verified,
       u.business AS is_business
ORDER BY user_id
