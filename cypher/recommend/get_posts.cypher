// Posts as the API shows them, with their tags, author's name and engagement counts.
UNWIND $ids AS id
MATCH (p:Post {id: id})
OPTIONAL MATCH (p)<-[e:ENGAGED]-()
WITH p, count(e) AS engagements, sum(CASE WHEN e.label = 'like' THEN 1 ELSE 0 END) AS likes
RETURN p.id AS id, p.author_id AS author_id, p.caption AS caption, p.image_url AS image_url,
       p.created_at AS created_at, p.verb AS verb, p.removed_at AS removed_at,
       [(a:User)-[:POSTED]->(p) | a.name][0] AS author_name,
       [(p)-[:TAGGED]->(t:Tag) | t.name] AS tags, likes, engagements
