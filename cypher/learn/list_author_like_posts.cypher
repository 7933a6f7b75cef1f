// Like model: all posts of the author of $post_id (the post itself and its history),
// each row carrying the author's counts.
MATCH (:Post {id: $post_id})<-[:POSTED]-(u:User)-[:POSTED]->(p:Post)
WHERE p.removed_at IS NULL
OPTIONAL MATCH (p)-[:TAGGED]->(t:Tag)
WITH u, p, count(t) AS tags
RETURN p.id AS post_id, u.id AS user_id, p.created_at AS taken_at, p.likes AS likes,
       p.media_type AS media_type, p.caption AS caption,
       coalesce(p.hashtag_count, tags) AS hashtags, p.mention_count AS mentions,
       p.location AS location, p.accessibility_caption AS accessibility_caption,
       p.width AS width, p.height AS height, p.media_preview_b64 AS media_preview_b64,
       p.source AS source, u.followers AS followers, u.following AS following,
       u.media_count AS posts_count, u.verified AS is_verified, u.business AS is_business
ORDER BY post_id
