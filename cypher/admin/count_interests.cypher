MATCH ()-[r:INTERESTED_IN]->()
RETURN count(r) AS n
