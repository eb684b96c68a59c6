"""Discussion: threads, posting, reading, reactions and the rendering of comments."""
