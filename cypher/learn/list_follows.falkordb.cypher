// Export: the follows of the users in one internal-id window, as joined internal ids.
MATCH (a:User)
WHERE id(a) >= $lo AND id(a) < $hi
MATCH (a)-[:FOLLOWS]->(b:User)
RETURN string.join(collect(toString(id(a))), ' ') AS src, string.join(collect(toString(id(b))), ' ') AS dst,
       count(*) AS n
