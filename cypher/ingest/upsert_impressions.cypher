UNWIND $rows AS row
MERGE (u:User {id: row.user_id})
ON CREATE SET u.created_at = row.at
WITH u, row
MATCH (p:Post {id: row.post_id})
MERGE (u)-[s:SAW]->(p)
ON CREATE SET s.first_at = row.at, s.count = 0, s.at = row.at
SET s.count = s.count + row.n, s.feed_id = row.feed_id, s.position = row.position,
    s.at = CASE WHEN row.at > s.at THEN row.at ELSE s.at END
RETURN count(s) AS impressions
