// An author's posts that are not removed and the engagements they received.
MATCH (a:User {id: $author_id})
OPTIONAL MATCH (a)-[:POSTED]->(p:Post)
WHERE p.removed_at IS NULL
OPTIONAL MATCH (p)<-[e:ENGAGED]-()
WITH p, count(e) AS engagements
RETURN count(p) AS posts, sum(engagements) AS engagements
