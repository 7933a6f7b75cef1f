// Candidate source "collaborative", trained: the RP3beta walk's scores read from the post
// neighbours `graphfeed train collaborative` computed (engine.learn.collaborative). From the
// user's $seeds newest engagements (as of $as_of, weighted by their score), one hop along
// the active run's slot: score(q) = sum over seeds p of liking / 100 * W[p, q]; via is the
// most people any seed shares with q. No rows without an active run (the caller walks).
MATCH (r:ModelRun {kind: 'collaborative'})
WHERE r.active = true
WITH CASE r.slot WHEN 'b' THEN 'ALSO_ENGAGED_B' ELSE 'ALSO_ENGAGED_A' END AS slot
MATCH (u:User {id: $user_id})-[e1:ENGAGED]->(p:Post)
WHERE e1.at <= $as_of
WITH slot, u, p, max(e1.at) AS last, max(e1.score) AS liking
ORDER BY last DESC, p.id
LIMIT $seeds
MATCH (p)-[n:ALSO_ENGAGED_A|ALSO_ENGAGED_B]->(q:Post)
WHERE type(n) = slot
WITH u, q, sum(liking / 100.0 * n.score) AS score, max(n.users) AS via
WHERE q.removed_at IS NULL AND q.author_id <> $user_id AND NOT (u)-[:ENGAGED]->(q)
RETURN q.id AS id, score, via
ORDER BY score DESC, id
LIMIT $limit
