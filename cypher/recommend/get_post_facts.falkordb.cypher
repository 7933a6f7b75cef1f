// What the ranker needs of each candidate post whoever asks: author, time, tags and how
// many people engaged with it: the counter ingestion keeps beside the post
// ((p)-[:HAS_COUNTS]->(:PostCounts), see ingest/create_engagements), counted live only
// where a post has none yet. The feed keeps these rows for a minute and reads only the
// posts it does not hold (engine/recommend/postfacts.py); what depends on the user is
// recommend/get_candidate_state.
// FalkorDB: an anonymous ENGAGED hop yields each user-post pair once (several labels'
// edges collapse), so count(x) is exact and ~20% cheaper than DISTINCT. The tags come
// last (no list among the grouping keys) and the hops name no labels their relationship
// types already imply.
UNWIND $ids AS id
MATCH (p:Post {id: id})
OPTIONAL MATCH (p)-[:HAS_COUNTS]->(n)
OPTIONAL MATCH (p)<-[:ENGAGED]-(x)
WHERE n IS NULL
WITH p, n, count(x) AS live
OPTIONAL MATCH (p)-[:TAGGED]->(t)
WITH p, coalesce(n.engagers, live) AS engagers, collect(t.name) AS tags
RETURN p.id AS id, p.author_id AS author_id, p.created_at AS created_at, tags, engagers
