// Backfill of the follower counters ingest/create_follows keeps beside each followed user,
// (u)-[:HAS_COUNTS]->(:UserCounts {followers}), for graphs written before it kept them: up
// to $batch followed users that have none get theirs, counted live. Run it until it answers
// 0. Users nobody follows need none (readers count live where a user has no counters, and
// for them that is nothing to walk).
MATCH (u:User)
WHERE NOT (u)-[:HAS_COUNTS]->(:UserCounts) AND (u)<-[:FOLLOWS]-()
WITH u
LIMIT $batch
OPTIONAL MATCH (u)<-[:FOLLOWS]-(x)
WITH u, count(x) AS followers
CREATE (u)-[:HAS_COUNTS]->(:UserCounts {followers: followers})
RETURN count(u) AS users
