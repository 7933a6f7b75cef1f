// Posts as the API shows them, with their tags, author's name and engagement counts: the
// counters ingestion keeps beside the post (:PostCounts), counted live where it has none.
// Tags and author through OPTIONAL MATCH, not pattern comprehensions (on FalkorDB those
// cost ~a third of the query); the caller sorts the tags.
// A post's HAS_COUNTS leads only to its PostCounts, so the hop names no label (~3-6% less).
UNWIND $ids AS id
MATCH (p:Post {id: id})
OPTIONAL MATCH (p)-[:HAS_COUNTS]->(n)
OPTIONAL MATCH (p)<-[e:ENGAGED]-()
WHERE n IS NULL
WITH p, n, count(e) AS live, count(CASE WHEN e.label = 'like' THEN 1 END) AS live_likes
OPTIONAL MATCH (p)-[:TAGGED]->(t)
WITH p, n, live, live_likes, collect(t.name) AS tags
OPTIONAL MATCH (a)-[:POSTED]->(p)
WITH p, coalesce(n.engagements, live) AS engagements, coalesce(n.likes, live_likes) AS likes,
     tags, collect(a.name)[0] AS author_name
RETURN p.id AS id, p.author_id AS author_id, p.caption AS caption, p.image_url AS image_url,
       p.created_at AS created_at, p.verb AS verb, p.removed_at AS removed_at,
       author_name, tags, likes, engagements
