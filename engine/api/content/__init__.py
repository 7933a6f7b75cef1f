"""Users, posts and tags as the graph holds them: the `user` and `post` queries."""
