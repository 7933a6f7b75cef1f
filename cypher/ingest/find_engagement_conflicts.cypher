// What stops a batch of engagements, in one round trip: the posts it names that
// do not exist (the batch is refused) and the engagement ids already recorded
// (counted once, so skipped).
UNWIND $post_ids AS id
OPTIONAL MATCH (p:Post {id: id})
WITH id, p
WHERE p IS NULL
RETURN 'missing_post' AS kind, id
UNION ALL
UNWIND $ids AS id
MATCH ()-[e:ENGAGED {id: id}]->()
RETURN DISTINCT 'known' AS kind, id
