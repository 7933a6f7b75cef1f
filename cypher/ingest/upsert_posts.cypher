UNWIND $rows AS row
MERGE (u:User {id: row.actor})
ON CREATE SET u.created_at = row.at
MERGE (p:Post {id: row.id})
SET p.verb = row.verb, p.object = row.object, p.caption = row.caption,
    p.image_url = row.image_url, p.extra = row.extra, p.created_at = row.at,
    p.author_id = row.actor, p.removed_at = null
MERGE (u)-[:POSTED]->(p)
WITH p, row
OPTIONAL MATCH (other:User)-[moved:POSTED]->(p)
WHERE other.id <> row.actor
DELETE moved
WITH DISTINCT p, row
OPTIONAL MATCH (p)-[old:TAGGED]->(t:Tag)
WHERE NOT t.name IN row.tags
DELETE old
WITH DISTINCT p, row
UNWIND row.tags AS tag
MERGE (t:Tag {name: tag})
MERGE (p)-[:TAGGED]->(t)
RETURN count(*) AS tagged
