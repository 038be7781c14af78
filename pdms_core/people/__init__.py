"""People: who the council helps, how to reach them, where they live, who they are with."""
