// Export: the tags of the posts in one internal-id window, as joined internal ids.
MATCH (p:Post)
WHERE id(p) >= $lo AND id(p) < $hi
MATCH (p)-[:TAGGED]->(t:Tag)
RETURN string.join(collect(toString(id(p))), ' ') AS src, string.join(collect(toString(id(t))), ' ') AS dst,
       count(*) AS n
