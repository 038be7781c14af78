"""Business logic over (session, actor, ...); no strawberry."""
