"""``ml-publish adopt``: analyse a repository, plan its restructuring, apply the plan."""
