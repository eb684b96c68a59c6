"""Webhooks: endpoints per site, events queued with their cause, signed deliveries."""
