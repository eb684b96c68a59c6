"""The public comments API: threads, posting, counts and feeds."""
