// What the ranker needs of each candidate post, as of $as_of: author, tags, age, whether
// the user had already seen or engaged with it, and how many people engaged with it: the
// counter ingestion keeps beside the post ((p)-[:HAS_COUNTS]->(:PostCounts), see
// ingest/create_engagements), counted live only where a post has none yet.
// (OPTIONAL MATCH rather than pattern comprehensions: on FalkorDB they are several times
// faster, and a comprehension over a named relationship is cached as empty when its type
// did not exist yet.) FalkorDB: an anonymous ENGAGED hop yields each user-post pair once
// (several labels' edges collapse), so count(x) is exact and ~20% cheaper than DISTINCT.
// Seen and engaged share one aggregation, the tags come last (no list among the grouping
// keys) and the hops name no labels their relationship types already imply: ~10% less
// database time.
MATCH (u:User {id: $user_id})
UNWIND $ids AS id
MATCH (p:Post {id: id})
OPTIONAL MATCH (u)-[s:SAW]->(p)
WHERE s.first_at <= $as_of
OPTIONAL MATCH (u)-[e:ENGAGED]->(p)
WHERE e.at <= $as_of
WITH p, count(s) > 0 AS seen, count(e) > 0 AS engaged
OPTIONAL MATCH (p)-[:HAS_COUNTS]->(n)
OPTIONAL MATCH (p)<-[:ENGAGED]-(x)
WHERE n IS NULL
WITH p, seen, engaged, n, count(x) AS live
OPTIONAL MATCH (p)-[:TAGGED]->(t)
WITH p, seen, engaged, coalesce(n.engagers, live) AS engagers, collect(t.name) AS tags
RETURN p.id AS id, p.author_id AS author_id, p.created_at AS created_at,
       p.removed_at IS NOT NULL AS removed, tags, seen, engaged, engagers
