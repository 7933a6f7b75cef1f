UNWIND $ids AS id
OPTIONAL MATCH (u:User {id: id})
WITH id, u
WHERE u IS NULL
RETURN id
