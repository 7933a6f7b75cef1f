// Backfill of the engagement counters ingest/create_engagements keeps beside each post,
// (p)-[:HAS_COUNTS]->(:PostCounts {engagers, engagements, likes}), for graphs written
// before it kept them: up to $batch posts that have none get theirs, counted live. Run it
// until it answers 0; readers count live where a post has no counters.
MATCH (p:Post)
WHERE NOT (p)-[:HAS_COUNTS]->(:PostCounts)
WITH p
LIMIT $batch
OPTIONAL MATCH (p)<-[e:ENGAGED]-(x:User)
WITH p, count(DISTINCT x) AS engagers, count(e) AS engagements,
     count(CASE WHEN e.label = 'like' THEN 1 END) AS likes
CREATE (p)-[:HAS_COUNTS]->(:PostCounts {engagers: engagers, engagements: engagements,
                                        likes: likes})
RETURN count(p) AS posts
