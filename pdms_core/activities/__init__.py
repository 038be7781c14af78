"""Activities: the work done on a case, made of tasks with the time they took."""
