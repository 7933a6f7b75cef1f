MATCH (n:Post)
RETURN count(n) AS n
