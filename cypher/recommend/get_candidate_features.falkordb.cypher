// What the ranker needs of each candidate post, as of $as_of: author, tags, age, whether
// the user had already seen or engaged with it, and how many people engaged with it: the
// counter ingestion keeps beside the post ((p)-[:HAS_COUNTS]->(:PostCounts), see
// ingest/create_engagements), counted live only where a post has none yet.
// (OPTIONAL MATCH rather than pattern comprehensions: on FalkorDB they are several times
// faster, and a comprehension over a named relationship is cached as empty when its type
// did not exist yet.) FalkorDB: an anonymous ENGAGED hop yields each user-post pair once
// (several labels' edges collapse), so count(x) is exact and ~20% cheaper than DISTINCT.
MATCH (u:User {id: $user_id})
UNWIND $ids AS id
MATCH (p:Post {id: id})
OPTIONAL MATCH (u)-[s:SAW]->(p)
WHERE s.first_at <= $as_of
WITH u, p, count(s) > 0 AS seen
OPTIONAL MATCH (u)-[e:ENGAGED]->(p)
WHERE e.at <= $as_of
WITH p, seen, count(e) > 0 AS engaged
OPTIONAL MATCH (p)-[:TAGGED]->(t:Tag)
WITH p, seen, engaged, collect(t.name) AS tags
OPTIONAL MATCH (p)-[:HAS_COUNTS]->(n:PostCounts)
OPTIONAL MATCH (p)<-[:ENGAGED]-(x:User)
WHERE n IS NULL
WITH p, seen, engaged, tags, n, count(x) AS live
RETURN p.id AS id, p.author_id AS author_id, p.created_at AS created_at,
       p.removed_at IS NOT NULL AS removed, tags, seen, engaged,
       coalesce(n.engagers, live) AS engagers
