UNWIND $rows AS row
MERGE (u:User {id: row.author})
ON CREATE SET u.created_at = row.created_at, u.source = row.source
MERGE (p:Post {id: row.id})
SET p.verb = 'post', p.object = row.id, p.author_id = row.author,
    p.created_at = row.created_at, p.shortcode = row.shortcode,
    p.media_type = row.media_type, p.is_video = row.is_video, p.likes = row.likes,
    p.comments = row.comments, p.video_views = row.video_views,
    p.comments_disabled = row.comments_disabled, p.location = row.location,
    p.width = row.width, p.height = row.height, p.caption = row.caption,
    p.hashtag_count = row.hashtag_count, p.mention_count = row.mention_count,
    p.accessibility_caption = row.accessibility_caption, p.image_url = row.image_url,
    p.media_preview_b64 = row.media_preview_b64, p.source = row.source
MERGE (u)-[:POSTED]->(p)
WITH p, row
UNWIND row.tags AS tag
MERGE (t:Tag {name: tag})
MERGE (p)-[:TAGGED]->(t)
RETURN count(*) AS tagged
