MATCH ()-[r:ENGAGED]->()
RETURN count(r) AS n
