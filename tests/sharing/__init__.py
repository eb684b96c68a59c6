"""Tests of sharing: tracked links and mail to a friend."""
