// New engagements, one row each; every one also moves its user's INTERESTED_IN
// weight on each tag of the post (formula in engine/ingest.py). The stored
// weight is its value at updated_at; late events arrive decayed to it.
// Two lists, one transaction: $singles holds the users with one engagement in
// the batch, whose (user, tag) pairs cannot repeat, so they skip the grouping
// (most of the cost of the interest update). In $rows a user's engagements on
// one tag are grouped first: row.weight is score/100 already decayed to
// row.as_of (the user's newest engagement in the batch), so sum() adds them.
UNWIND $singles AS row
MATCH (p:Post {id: row.post_id})
MERGE (u:User {id: row.user_id})
ON CREATE SET u.created_at = row.at
CREATE (u)-[:ENGAGED {id: row.id, label: row.label, score: row.score, position: row.position,
                      feed_id: row.feed_id, location: row.location, at: row.at}]->(p)
WITH u, p, row
MATCH (p)-[:TAGGED]->(t:Tag)
MERGE (u)-[i:INTERESTED_IN]->(t)
ON CREATE SET i.weight = row.weight, i.updated_at = row.at
ON MATCH SET
  i.weight = CASE WHEN row.at > i.updated_at
                  THEN i.weight * exp($decay * (i.updated_at - row.at)) + row.weight
                  ELSE i.weight + row.weight * exp($decay * (row.at - i.updated_at)) END,
  i.updated_at = CASE WHEN row.at > i.updated_at THEN row.at ELSE i.updated_at END
WITH count(*) AS single_interests
UNWIND $rows AS row
MATCH (p:Post {id: row.post_id})
MERGE (u:User {id: row.user_id})
ON CREATE SET u.created_at = row.at
CREATE (u)-[:ENGAGED {id: row.id, label: row.label, score: row.score, position: row.position,
                      feed_id: row.feed_id, location: row.location, at: row.at}]->(p)
WITH u, p, row
MATCH (p)-[:TAGGED]->(t:Tag)
WITH u, t, row.as_of AS as_of, max(row.at) AS latest, sum(row.weight) AS gained
MERGE (u)-[i:INTERESTED_IN]->(t)
ON CREATE SET i.weight = gained * exp($decay * (as_of - latest)), i.updated_at = latest
ON MATCH SET
  i.weight = CASE WHEN latest > i.updated_at
                  THEN i.weight * exp($decay * (i.updated_at - latest))
                       + gained * exp($decay * (as_of - latest))
                  ELSE i.weight + gained * exp($decay * (as_of - i.updated_at)) END,
  i.updated_at = CASE WHEN latest > i.updated_at THEN latest ELSE i.updated_at END
WITH count(*) AS interests
// The counters beside each post the batch touched (readers take them instead of counting
// every engagement): engagements and likes grow by the batch's rows; engagers by the users
// whose only engagements with the post are this batch's. A post without counters yet (a
// graph written before them) gets them counted live, this batch included.
UNWIND $singles + $rows AS row
WITH row.post_id AS post_id, row.user_id AS user_id, count(*) AS added,
     count(CASE WHEN row.label = 'like' THEN 1 END) AS liked
MATCH (p:Post {id: post_id})
MATCH (u:User {id: user_id})
OPTIONAL MATCH (u)-[e:ENGAGED]->(p)
WITH p, u, added, liked, count(e) = added AS first
WITH p, sum(added) AS added, sum(liked) AS liked,
     sum(CASE WHEN first THEN 1 ELSE 0 END) AS joined
OPTIONAL MATCH (p)-[:HAS_COUNTS]->(n:PostCounts)
SET n.engagers = n.engagers + joined, n.engagements = n.engagements + added,
    n.likes = n.likes + liked
WITH p, n
WHERE n IS NULL
OPTIONAL MATCH (p)<-[e:ENGAGED]-(x:User)
WITH p, count(DISTINCT x) AS engagers, count(e) AS engagements,
     count(CASE WHEN e.label = 'like' THEN 1 END) AS likes
CREATE (p)-[:HAS_COUNTS]->(:PostCounts {engagers: engagers, engagements: engagements,
                                        likes: likes})
RETURN count(*) AS counted
