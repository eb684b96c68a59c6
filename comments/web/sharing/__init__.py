"""Sharing endpoints: tracked links and mail to a friend."""
