UNWIND $rows AS row
MATCH (p:Post {id: row.post_id})
MERGE (u:User {id: row.user_id})
ON CREATE SET u.created_at = row.at
CREATE (u)-[e:ENGAGED]->(p)
SET e.id = row.id, e.label = row.label, e.score = row.score, e.position = row.position,
    e.feed_id = row.feed_id, e.location = row.location, e.at = row.at
WITH u, p, row
MATCH (p)-[:TAGGED]->(t:Tag)
WITH u, t, max(row.at) AS latest, collect({at: row.at, score: row.score}) AS events
MERGE (u)-[i:INTERESTED_IN]->(t)
ON CREATE SET i.weight = 0.0, i.updated_at = latest
WITH i, events,
     CASE WHEN latest > i.updated_at THEN latest ELSE i.updated_at END AS until
SET i.weight = i.weight * exp($decay * (i.updated_at - until))
      + reduce(acc = 0.0, ev IN events | acc + ev.score / 100.0 * exp($decay * (ev.at - until))),
    i.updated_at = until
RETURN count(i) AS interests
