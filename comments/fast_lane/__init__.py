"""The hot public reads: the fast lane before Flask, ETags and the answer memo, driver reads."""
