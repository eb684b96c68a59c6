"""The hot public reads: the lane before Flask and its queries, shared headers, ETags, memo, driver reads."""
