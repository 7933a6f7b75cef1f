// Which of the candidate posts the feed must drop for this user, read live on every
// request: removed posts, and those the user had seen or engaged with by $as_of. Only
// those rows come back (a few of a feed's ~280 candidates), so the reply costs next to
// nothing to read; what every user would read alike comes from recommend/get_post_facts,
// kept for a minute (engine/recommend/postfacts.py).
// Two OPTIONAL MATCHes multiply their rows on Neo4j; the counts only test for > 0.
MATCH (u:User {id: $user_id})
UNWIND $ids AS id
MATCH (p:Post {id: id})
OPTIONAL MATCH (u)-[s:SAW]->(p)
WHERE s.first_at <= $as_of
OPTIONAL MATCH (u)-[e:ENGAGED]->(p)
WHERE e.at <= $as_of
WITH p, count(s) > 0 AS seen, count(e) > 0 AS engaged
WITH p, seen, engaged, p.removed_at IS NOT NULL AS removed
WHERE seen OR engaged OR removed
RETURN p.id AS id, removed, seen, engaged
