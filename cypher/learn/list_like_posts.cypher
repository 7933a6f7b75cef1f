// Like model: the next $limit posts after $after (keyset on Post.id) with their author
// and every feature the like model reads (likes is null where no count is known).
MATCH (u:User)-[:POSTED]->(p:Post)
WHERE p.id > $after AND p.removed_at IS NULL
WITH u, p
ORDER BY p.id
LIMIT $limit
OPTIONAL MATCH (p)-[:TAGGED]->(t:Tag)
WITH u, p, count(t) AS tags
RETURN p.id AS post_id, u.id AS user_id, p.created_at AS taken_at, p.likes AS likes,
       p.media_type AS media_type, p.caption AS caption,
       coalesce(p.hashtag_count, tags) AS hashtags, p.mention_count AS mentions,
       p.location AS location, p.accessibility_caption AS accessibility_caption,
       p.width AS width, p.height AS height, p.media_preview_b64 AS media_preview_b64,
       p.source AS source
ORDER BY post_id
