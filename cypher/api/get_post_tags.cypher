UNWIND $ids AS id
MATCH (p:Post {id: id})-[:TAGGED]->(t:Tag)
RETURN id, collect(t.name) AS tags
