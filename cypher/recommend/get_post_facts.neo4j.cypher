// What the ranker needs of each candidate post whoever asks: author, time, tags and how
// many people engaged with it: the counter ingestion keeps beside the post
// ((p)-[:HAS_COUNTS]->(:PostCounts), see ingest/create_engagements), counted live only
// where a post has none yet. The feed keeps these rows for a minute and reads only the
// posts it does not hold (engine/recommend/postfacts.py); what depends on the user is
// recommend/get_candidate_state.
UNWIND $ids AS id
MATCH (p:Post {id: id})
OPTIONAL MATCH (p)-[:TAGGED]->(t:Tag)
WITH p, collect(t.name) AS tags
OPTIONAL MATCH (p)-[:HAS_COUNTS]->(n:PostCounts)
OPTIONAL MATCH (p)<-[:ENGAGED]-(x:User)
WHERE n IS NULL
WITH p, tags, n, count(DISTINCT x) AS live
RETURN p.id AS id, p.author_id AS author_id, p.created_at AS created_at, tags,
       coalesce(n.engagers, live) AS engagers
