// Explore: of the newest $scan posts (as of $as_of, since $since, not removed), the $each that
// members of each community in $communities (of run $version) engaged with most in
// [$window_start, $as_of], by trend = summed score / 100 halved every $half_life_ms of the
// post's age. Per community, not per user: the caller caches it and removes the user's
// exclusions (explore/find_excluded).
// Shape: a post's engagers are found first by an anonymous hop (one row per user, however
// many labels they engaged with) and kept by the convenience copy User.community, about one
// in eight on the 100k-user benchmark; only those are checked against IN_COMMUNITY under
// $version (the copy may lag a new run while it is written) and have their ENGAGED edges
// read. Binding every edge of the newest posts first cost ~3x more. The WITHs keep
// FalkorDB's planner from merging the hops back into one traversal.
MATCH (p:Post)
WHERE p.created_at >= $since AND p.created_at <= $as_of AND p.removed_at IS NULL
WITH p
ORDER BY p.created_at DESC
LIMIT $scan
MATCH (p)<-[:ENGAGED]-(v:User)
WITH p, v
WHERE v.community IN $communities
MATCH (v)-[:IN_COMMUNITY]->(c:Community)
WHERE c.version = $version AND c.id IN $communities
WITH p, v, c
MATCH (v)-[e:ENGAGED]->(p)
WHERE e.at >= $window_start AND e.at <= $as_of
WITH p, c.id AS community, count(DISTINCT v) AS engagers, sum(e.score) AS score
WITH p, community, engagers,
     score / 100.0 * exp(-0.6931471805599453 * ($as_of - p.created_at) / $half_life_ms) AS trend
ORDER BY trend DESC, p.id
WITH community, collect([p, engagers, trend])[0..$each] AS top
UNWIND top AS t
WITH community, t[0] AS p, t[1] AS engagers, t[2] AS trend
OPTIONAL MATCH (p)-[:TAGGED]->(tag:Tag)
RETURN p.id AS id, p.author_id AS author_id, community, engagers, trend,
       collect(tag.name) AS tags
