UNWIND $ids AS id
OPTIONAL MATCH (p:Post {id: id})
WITH id, p
WHERE p IS NULL
RETURN id
