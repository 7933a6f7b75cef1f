CREATE INDEX FOR (u:User) ON (u.id)
